using System.Collections;

namespace Homeserver.Cli;

/// <summary>Where the config file is: <c>--config</c>, else <c>$HOMESERVER_CONFIG</c>, else <c>&lt;data dir&gt;/homeserver.yaml</c>.</summary>
public sealed record ConfigLocation(string Path, bool IsExplicit)
{
    public const string ConfigVariable = "HOMESERVER_CONFIG";
    public const string DataDirectoryVariable = "HOMESERVER_DATA_DIR";
    public const string DefaultDataDirectory = "data";
    public const string FileName = "homeserver.yaml";

    public static ConfigLocation Resolve(CommandLine command, IDictionary environment)
    {
        var explicitPath = command.ConfigPath ?? NonEmpty(environment[ConfigVariable]);
        if (explicitPath is not null) return new ConfigLocation(System.IO.Path.GetFullPath(explicitPath), true);
        var dataDirectory = command.DataDirectory ?? NonEmpty(environment[DataDirectoryVariable]) ?? DefaultDataDirectory;
        return new ConfigLocation(System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDirectory, FileName)), false);
    }

    private static string? NonEmpty(object? value) => value is string { Length: > 0 } text ? text : null;
}
