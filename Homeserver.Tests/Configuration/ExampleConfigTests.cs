using System.Reflection;
using System.Text.RegularExpressions;
using Homeserver.Configuration;

namespace Homeserver.Tests.Configuration;

/// <summary>config/homeserver.example.yaml documents every option, with the model's defaults.</summary>
public class ExampleConfigTests
{
    private static readonly string ExamplePath = Path.Combine(AppContext.BaseDirectory, "config", "homeserver.example.yaml");

    /// <summary>Every option of the model as a dotted YAML path, such as <c>rc_login.address.per_second</c>.</summary>
    private static IEnumerable<(string Path, PropertyInfo Property)> Options(Type type, string prefix = "")
    {
        foreach (var property in ConfigNames.Options(type))
        {
            var path = prefix + ConfigNames.YamlName(property);
            yield return (path, property);
            var valueType = ConfigNames.IsList(property.PropertyType, out var element) ? element : property.PropertyType;
            if (ConfigNames.IsSection(valueType))
                foreach (var nested in Options(valueType, path + "."))
                    yield return nested;
        }
    }

    /// <summary>
    /// The dotted key paths written in the example, active or commented out (<c># key: value</c>), found by
    /// indentation: a key belongs to the nearest less indented key above it; list items (<c>- key:</c>)
    /// count at the indentation of their key.
    /// </summary>
    private static HashSet<string> DocumentedPaths(string example)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<(int Indent, string Path)>();
        foreach (Match match in Regex.Matches(example, @"(?m)^(?<indent>[ ]*)(?<comment>#[ ]*)?(?<item>-[ ]+)?(?<key>[a-z_]+):(?=[ ]|$)"))
        {
            var indent = match.Groups["indent"].Length + match.Groups["item"].Length;
            while (stack.Count > 0 && stack.Peek().Indent >= indent) stack.Pop();
            var path = stack.Count > 0 ? $"{stack.Peek().Path}.{match.Groups["key"].Value}" : match.Groups["key"].Value;
            paths.Add(path);
            stack.Push((indent, path));
        }
        return paths;
    }

    [Fact]
    public void Every_option_of_the_model_appears_in_the_example()
    {
        var documented = DocumentedPaths(File.ReadAllText(ExamplePath));
        var missing = Options(typeof(HomeserverConfig)).Select(o => o.Path).Where(p => !documented.Contains(p)).ToList();
        missing.Should().BeEmpty("every option needs its documented default in config/homeserver.example.yaml");
    }

    [Fact]
    public void Every_key_in_the_example_is_an_option_of_the_model()
    {
        var options = Options(typeof(HomeserverConfig)).Select(o => o.Path).ToHashSet();
        DocumentedPaths(File.ReadAllText(ExamplePath)).Where(p => !options.Contains(p)).Should().BeEmpty();
    }

    [Fact]
    public void The_option_list_covers_nested_sections()
    {
        Options(typeof(HomeserverConfig)).Select(o => o.Path).Should()
            .Contain(["server_name", "public_baseurl", "listeners.tls_private_key_path", "database.args.connection_string", "rc_login.failed_attempts.burst_count"]);
    }

    [Fact]
    public void The_example_loads_without_warnings_and_states_the_model_defaults()
    {
        var directory = Path.GetDirectoryName(ExamplePath)!;
        var (example, warnings) = ConfigLoader.Parse(File.ReadAllText(ExamplePath), "homeserver.example.yaml", []);
        warnings.Should().BeEmpty();
        ConfigLoader.Normalize(example, directory);
        ConfigValidator.Validate(example).Should().BeEmpty();

        var defaults = new HomeserverConfig();
        ConfigLoader.Normalize(defaults, directory);
        ConfigYamlWriter.Write(example, includeSecrets: true).Should().Be(ConfigYamlWriter.Write(defaults, includeSecrets: true));
    }
}
