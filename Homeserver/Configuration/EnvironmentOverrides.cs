using System.Collections;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Homeserver.Configuration;

/// <summary>
/// Applies environment variables <c>HOMESERVER__SECTION__KEY=value</c> over the YAML tree before it is
/// bound: each <c>__</c> separates one level, names match YAML keys case-insensitively and a number
/// indexes a list (<c>HOMESERVER__LISTENERS__0__PORT</c>; the next free index appends an entry).
/// Lists of plain values take comma-separated values (<c>HOMESERVER__LISTENERS__0__BIND_ADDRESSES=::1,127.0.0.1</c>).
/// </summary>
public static class EnvironmentOverrides
{
    public const string Prefix = "HOMESERVER__";

    /// <summary>The overriding variables of an environment, sorted by name so that list entries append in order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Select(IDictionary environment) =>
        environment.Cast<DictionaryEntry>()
            .Where(e => e.Key is string name && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && name.Length > Prefix.Length)
            .Select(e => new KeyValuePair<string, string>((string)e.Key, e.Value as string ?? ""))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Applies the overrides to <paramref name="root"/>, returning an error per variable that cannot apply.</summary>
    public static IReadOnlyList<string> Apply(YamlMappingNode root, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        var errors = new List<string>();
        foreach (var (name, value) in overrides)
        {
            var segments = name[Prefix.Length..].Split("__");
            if (segments.Any(s => s.Length == 0))
            {
                errors.Add($"{name}: empty key segment in the variable name");
                continue;
            }
            if (TryApply(root, segments.Select(s => s.ToLowerInvariant()).ToArray(), value, out var error)) continue;
            errors.Add($"{name}: {error}");
        }
        return errors;
    }

    private static bool TryApply(YamlMappingNode root, string[] segments, string value, out string error)
    {
        YamlNode current = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            YamlNode NewChild() => last ? new YamlScalarNode(value)
                : IsIndex(segments[i + 1]) ? new YamlSequenceNode() : new YamlMappingNode();

            if (current is YamlMappingNode mapping)
            {
                var key = mapping.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && string.Equals(s.Value, segments[i], StringComparison.OrdinalIgnoreCase))
                    ?? new YamlScalarNode(segments[i]);
                if (last || !mapping.Children.TryGetValue(key, out var child) || child is YamlScalarNode)
                {
                    child = NewChild();
                    mapping.Children[key] = child;
                }
                current = child;
            }
            else if (current is YamlSequenceNode sequence)
            {
                if (!int.TryParse(segments[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    error = $"'{segments[i]}' must be a list index";
                    return false;
                }
                if (index > sequence.Children.Count)
                {
                    error = $"list index {index} skips entries (the list has {sequence.Children.Count})";
                    return false;
                }
                if (index == sequence.Children.Count) sequence.Children.Add(NewChild());
                else if (last || sequence.Children[index] is YamlScalarNode) sequence.Children[index] = NewChild();
                current = sequence.Children[index];
            }
            else
            {
                error = $"'{segments[i - 1]}' is a single value and has no key '{segments[i]}'";
                return false;
            }
        }
        error = "";
        return true;
    }

    private static bool IsIndex(string segment) => segment.Length > 0 && segment.All(char.IsAsciiDigit);
}
