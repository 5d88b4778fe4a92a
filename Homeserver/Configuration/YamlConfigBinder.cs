using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Homeserver.Configuration;

/// <summary>
/// Binds a YAML node tree onto the config model by reflection, collecting an error for every value of
/// the wrong shape (with the key path, e.g. <c>listeners[0].port</c>) and a warning for every unknown key.
/// A null value (<c>~</c>, <c>null</c> or nothing) leaves the option at its default.
/// A scalar given for a list of scalars is split at commas, so environment overrides can set lists.
/// </summary>
public sealed class YamlConfigBinder
{
    private static readonly string[] TrueWords = ["true", "yes", "on"];
    private static readonly string[] FalseWords = ["false", "no", "off"];

    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Errors => _errors;
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Binds <paramref name="root"/> onto <paramref name="target"/>; check <see cref="Errors"/> afterwards.</summary>
    public void BindSection(object target, YamlMappingNode root) => BindSection(target, root, "");

    private void BindSection(object target, YamlMappingNode node, string path)
    {
        var options = ConfigNames.Options(target.GetType())
            .ToDictionary(ConfigNames.YamlName, StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var key = keyNode is YamlScalarNode { Value: { } k } ? k : keyNode.ToString();
            var keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (!options.TryGetValue(key, out var property))
            {
                _warnings.Add($"{keyPath}: unknown key, ignored");
                continue;
            }
            var isByteSize = Attribute.IsDefined(property, typeof(ByteSizeAttribute));
            if (TryConvert(property.PropertyType, valueNode, keyPath, isByteSize, property.GetValue(target), out var value))
                property.SetValue(target, value);
        }
    }

    /// <summary>Converts a node; false when it is null (keep the default) or wrong (an error was recorded).</summary>
    private bool TryConvert(Type type, YamlNode node, string path, bool isByteSize, object? existing, out object? value)
    {
        value = null;
        if (IsNull(node)) return false;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;

        if (ConfigNames.IsList(underlying, out var elementType))
            return TryConvertList(underlying, elementType, node, path, out value);

        if (ConfigNames.IsDictionary(underlying, out var valueType))
            return TryConvertDictionary(underlying, valueType, node, path, out value);

        if (ConfigNames.IsSection(underlying))
        {
            if (node is not YamlMappingNode mapping) return Fail(path, "must be a mapping of keys to values", out value);
            var section = existing ?? Activator.CreateInstance(underlying)!;
            BindSection(section, mapping, path);
            value = section;
            return true;
        }

        if (node is not YamlScalarNode { Value: { } text }) return Fail(path, "must be a single value, not a list or mapping", out value);
        return TryConvertScalar(underlying, text, path, isByteSize, out value);
    }

    private bool TryConvertList(Type listType, Type elementType, YamlNode node, string path, out object? value)
    {
        var list = (System.Collections.IList)Activator.CreateInstance(listType)!;
        value = list;
        IEnumerable<YamlNode> items;
        if (node is YamlSequenceNode sequence)
            items = sequence.Children;
        else if (node is YamlScalarNode { Value: { } text } && !ConfigNames.IsSection(elementType))
            items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => new YamlScalarNode(s));
        else
            return Fail(path, "must be a list", out value);
        var ok = true;
        var index = 0;
        foreach (var item in items)
        {
            var itemPath = $"{path}[{index++}]";
            if (TryConvert(elementType, item, itemPath, isByteSize: false, existing: null, out var element))
                list.Add(element);
            else if (IsNull(item))
                ok = Fail(itemPath, "must not be empty", out _);
            else
                ok = false;
        }
        return ok;
    }

    /// <summary>A mapping with free keys (server names, key ids); each value converts like an option of the value type.</summary>
    private bool TryConvertDictionary(Type dictionaryType, Type valueType, YamlNode node, string path, out object? value)
    {
        var dictionary = (System.Collections.IDictionary)Activator.CreateInstance(dictionaryType)!;
        value = dictionary;
        if (node is not YamlMappingNode mapping) return Fail(path, "must be a mapping of keys to values", out value);
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
            {
                ok = Fail(path, "keys must be non-empty single values", out _);
                continue;
            }
            var entryPath = $"{path}.{key}";
            if (TryConvert(valueType, valueNode, entryPath, isByteSize: false, existing: null, out var entry))
                dictionary[key] = entry;
            else if (IsNull(valueNode))
                ok = Fail(entryPath, "must not be empty", out _);
            else
                ok = false;
        }
        return ok;
    }

    private bool TryConvertScalar(Type type, string text, string path, bool isByteSize, out object? value)
    {
        value = null;
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(string))
        {
            value = text;
            return true;
        }
        if (type == typeof(bool))
        {
            if (TrueWords.Contains(text, StringComparer.OrdinalIgnoreCase)) value = true;
            else if (FalseWords.Contains(text, StringComparer.OrdinalIgnoreCase)) value = false;
            else return Fail(path, $"must be true or false, not '{text}'", out value);
            return true;
        }
        if (type == typeof(int))
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var number))
                return Fail(path, $"must be an integer, not '{text}'", out value);
            value = number;
            return true;
        }
        if (type == typeof(long))
        {
            if (isByteSize)
            {
                if (!ByteSizeNotation.TryParse(text, out var bytes, out var sizeError)) return Fail(path, sizeError, out value);
                value = bytes;
                return true;
            }
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var number))
                return Fail(path, $"must be an integer, not '{text}'", out value);
            value = number;
            return true;
        }
        if (type == typeof(double))
        {
            if (!double.TryParse(text, NumberStyles.Float, invariant, out var number) || !double.IsFinite(number))
                return Fail(path, $"must be a number, not '{text}'", out value);
            value = number;
            return true;
        }
        if (type == typeof(TimeSpan))
        {
            if (!DurationNotation.TryParse(text, out var duration, out var durationError)) return Fail(path, durationError, out value);
            value = duration;
            return true;
        }
        if (type.IsEnum)
        {
            var name = Enum.GetNames(type).FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
            if (name is null) return Fail(path, $"must be one of {string.Join(", ", Enum.GetNames(type))}, not '{text}'", out value);
            value = Enum.Parse(type, name);
            return true;
        }
        throw new InvalidOperationException($"config option type {type} has no YAML conversion");
    }

    private bool Fail(string path, string message, out object? value)
    {
        _errors.Add($"{path}: {message}");
        value = null;
        return false;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any } scalar &&
        scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
}
