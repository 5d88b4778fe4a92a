using System.Collections;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Homeserver.Configuration;

/// <summary>
/// Reads homeserver.yaml: parse the YAML, accept Synapse's listener resource form, apply
/// <c>HOMESERVER__*</c> environment overrides, bind onto <see cref="HomeserverConfig"/>, resolve relative
/// paths against the config file's folder, and validate. Any problem throws <see cref="ConfigException"/>
/// listing every error found; unknown keys are only warnings (as in Synapse, which ignores them).
/// </summary>
public static class ConfigLoader
{
    public static LoadedConfig Load(string path, IDictionary environment)
    {
        var fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read config file {fullPath}: {e.Message}");
        }
        var (config, warnings, errors) = Bind(text, Path.GetFileName(fullPath), EnvironmentOverrides.Select(environment));
        // Options that failed to bind kept their defaults, so validation still finds the other problems.
        Normalize(config, Path.GetDirectoryName(fullPath)!);
        errors.AddRange(ConfigValidator.Validate(config));
        if (errors.Count > 0) throw new ConfigException(errors);
        return new LoadedConfig(config, fullPath, warnings);
    }

    /// <summary>Parses and binds YAML text (with overrides) without resolving paths or validating.</summary>
    public static (HomeserverConfig Config, IReadOnlyList<string> Warnings) Parse(
        string yaml, string sourceName, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        var (config, warnings, errors) = Bind(yaml, sourceName, overrides);
        if (errors.Count > 0) throw new ConfigException(errors);
        return (config, warnings);
    }

    private static (HomeserverConfig Config, List<string> Warnings, List<string> Errors) Bind(
        string yaml, string sourceName, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        var root = ParseTree(yaml, sourceName);
        var warnings = new List<string>(SynapseListenerResources.Flatten(root));
        var errors = new List<string>(EnvironmentOverrides.Apply(root, overrides));
        var binder = new YamlConfigBinder();
        var config = new HomeserverConfig();
        binder.BindSection(config, root);
        errors.AddRange(binder.Errors);
        warnings.AddRange(binder.Warnings);
        return (config, warnings, errors);
    }

    /// <summary>
    /// Fills in defaults that depend on other options (the SQLite file) and makes every path absolute,
    /// relative paths counting from <paramref name="baseDirectory"/> (the config file's folder).
    /// </summary>
    public static void Normalize(HomeserverConfig config, string baseDirectory)
    {
        string Resolve(string path) => Path.GetFullPath(Path.Combine(baseDirectory, path));
        if (config.SigningKeyPath.Length > 0) config.SigningKeyPath = Resolve(config.SigningKeyPath);
        if (config.MediaStorePath.Length > 0) config.MediaStorePath = Resolve(config.MediaStorePath);
        if (config.Database.Engine == DatabaseEngine.Sqlite)
        {
            var file = config.Database.Args.Database ?? DatabaseArgs.DefaultSqliteFile;
            // ":memory:" is SQLite's in-memory database, not a file name.
            config.Database.Args.Database = file is ":memory:" or "" ? file : Resolve(file);
        }
        for (var i = 0; i < config.FederationCustomCaList.Count; i++)
            if (config.FederationCustomCaList[i].Length > 0) config.FederationCustomCaList[i] = Resolve(config.FederationCustomCaList[i]);
        foreach (var listener in config.Listeners)
        {
            if (listener.TlsCertificatePath is { Length: > 0 } certificate) listener.TlsCertificatePath = Resolve(certificate);
            if (listener.TlsPrivateKeyPath is { Length: > 0 } key) listener.TlsPrivateKeyPath = Resolve(key);
        }
    }

    private static YamlMappingNode ParseTree(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).Split(" - ", 2)[^1];
            throw new ConfigException($"{sourceName} line {e.Start.Line}, column {e.Start.Column}: {message}");
        }
        if (stream.Documents.Count == 0) return new YamlMappingNode();
        if (stream.Documents.Count > 1) throw new ConfigException($"{sourceName}: holds {stream.Documents.Count} YAML documents; expected one");
        return stream.Documents[0].RootNode switch
        {
            YamlMappingNode mapping => mapping,
            YamlScalarNode { Value: null or "" or "~" or "null" } => new YamlMappingNode(),
            _ => throw new ConfigException($"{sourceName}: the top level must be a mapping of keys to values"),
        };
    }
}
