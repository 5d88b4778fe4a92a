using System.Collections;
using Homeserver.Configuration;

namespace Homeserver.Tests.Configuration;

/// <summary>Writes YAML to a temporary config file and loads it.</summary>
internal sealed class ConfigFiles : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "hs-config-" + Guid.NewGuid().ToString("N"));

    public ConfigFiles() => System.IO.Directory.CreateDirectory(Directory);

    public string Write(string yaml, string name = "homeserver.yaml")
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    public LoadedConfig Load(string yaml, IDictionary? environment = null) =>
        ConfigLoader.Load(Write(yaml), environment ?? new Hashtable());

    /// <summary>The errors a config produces, or an empty list when it loads.</summary>
    public IReadOnlyList<string> Errors(string yaml, IDictionary? environment = null)
    {
        try
        {
            Load(yaml, environment);
            return [];
        }
        catch (ConfigException e)
        {
            return e.Errors;
        }
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
