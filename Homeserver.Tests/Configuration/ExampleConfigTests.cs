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

    [Fact]
    public void Every_option_of_the_model_appears_in_the_example()
    {
        var example = File.ReadAllText(ExamplePath);
        var missing = Options(typeof(HomeserverConfig))
            .Where(o => !Regex.IsMatch(example, $@"(?m)^\s*(#\s*)?(-\s+)?{Regex.Escape(ConfigNames.YamlName(o.Property))}:"))
            .Select(o => o.Path)
            .ToList();
        missing.Should().BeEmpty("every option needs its documented default in config/homeserver.example.yaml");
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
