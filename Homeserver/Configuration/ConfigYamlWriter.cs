using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Homeserver.Configuration;

/// <summary>
/// Writes a configuration as YAML with the model's key names, for inspecting the effective configuration.
/// <see cref="SecretOptionAttribute"/> options are written as <c>&lt;redacted&gt;</c> unless asked otherwise.
/// The output reads back into an equal configuration (when secrets are included).
/// </summary>
public static class ConfigYamlWriter
{
    public const string Redacted = "<redacted>";

    private static readonly JsonSerializerOptions QuotingOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(HomeserverConfig config, bool includeSecrets = false)
    {
        var lines = new List<string>();
        WriteSection(config, "", lines, includeSecrets);
        return string.Join('\n', lines) + "\n";
    }

    private static void WriteSection(object section, string indent, List<string> lines, bool includeSecrets)
    {
        foreach (var property in ConfigNames.Options(section.GetType()))
        {
            var name = ConfigNames.YamlName(property);
            var value = property.GetValue(section);
            if (value is null)
                lines.Add($"{indent}{name}: null");
            else if (!includeSecrets && property.GetCustomAttribute<SecretOptionAttribute>() is not null)
                lines.Add($"{indent}{name}: {Scalar(Redacted)}");
            else if (ConfigNames.IsList(property.PropertyType, out var elementType))
            {
                var items = ((System.Collections.IEnumerable)value).Cast<object>().ToList();
                if (!ConfigNames.IsSection(elementType))
                {
                    lines.Add($"{indent}{name}: [{string.Join(", ", items.Select(Scalar))}]");
                    continue;
                }
                lines.Add($"{indent}{name}:");
                foreach (var item in items)
                {
                    var itemLines = new List<string>();
                    WriteSection(item, "", itemLines, includeSecrets);
                    for (var i = 0; i < itemLines.Count; i++)
                        lines.Add($"{indent}{(i == 0 ? "  - " : "    ")}{itemLines[i]}");
                }
            }
            else if (ConfigNames.IsDictionary(property.PropertyType, out var valueType))
                WriteDictionary(name, (System.Collections.IDictionary)value, ConfigNames.IsSection(valueType), indent, lines, includeSecrets);
            else if (ConfigNames.IsSection(property.PropertyType))
            {
                lines.Add($"{indent}{name}:");
                WriteSection(value, indent + "  ", lines, includeSecrets);
            }
            else
                lines.Add($"{indent}{name}: {Scalar(value)}");
        }
    }

    /// <summary>Entries in key order, so equal dictionaries write equal text.</summary>
    private static void WriteDictionary(string name, System.Collections.IDictionary dictionary, bool sectionValues, string indent, List<string> lines,
        bool includeSecrets)
    {
        if (dictionary.Count == 0)
        {
            lines.Add($"{indent}{name}: {{}}");
            return;
        }
        lines.Add($"{indent}{name}:");
        foreach (var key in dictionary.Keys.Cast<string>().Order(StringComparer.Ordinal))
        {
            var entry = dictionary[key]!;
            if (!sectionValues)
            {
                lines.Add($"{indent}  {Scalar(key)}: {Scalar(entry)}");
                continue;
            }
            lines.Add($"{indent}  {Scalar(key)}:");
            WriteSection(entry, indent + "    ", lines, includeSecrets);
        }
    }

    private static string Scalar(object value) => value switch
    {
        string text => JsonSerializer.Serialize(text, QuotingOptions), // a JSON string is a valid double-quoted YAML scalar
        bool flag => flag ? "true" : "false",
        TimeSpan duration => DurationNotation.Format(duration),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
