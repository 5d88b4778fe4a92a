namespace Homeserver.Cli;

/// <summary>
/// The parsed arguments of the homeserver binary: a command (default <c>run</c>) and its options.
/// Options take their value as the next argument or after '=' (<c>--config x.yaml</c>, <c>--config=x.yaml</c>).
/// Other <c>--key=value</c> arguments are handed to the ASP.NET Core host (<see cref="HostArgs"/>):
/// WebApplicationFactory passes its settings that way, so a test selects the config file with
/// <c>builder.UseSetting("config", path)</c>, exactly like <c>--config=path</c>.
/// Everything after <c>debug</c> belongs to the debug command (<see cref="CommandArgs"/>).
/// </summary>
public sealed record CommandLine(
    CommandKind Kind,
    string? ConfigPath = null,
    string? DataDirectory = null,
    string? ServerName = null,
    string? Output = null,
    IReadOnlyList<string>? HostArgs = null,
    IReadOnlyList<string>? CommandArgs = null,
    string? Error = null)
{
    public IReadOnlyList<string> HostArgs { get; init; } = HostArgs ?? [];
    public IReadOnlyList<string> CommandArgs { get; init; } = CommandArgs ?? [];

    private static readonly Dictionary<string, CommandKind> Commands = new(StringComparer.Ordinal)
    {
        ["run"] = CommandKind.Run,
        ["generate-config"] = CommandKind.GenerateConfig,
        ["generate-keys"] = CommandKind.GenerateKeys,
        ["debug"] = CommandKind.Debug,
        ["register-user"] = CommandKind.RegisterUser,
        ["help"] = CommandKind.Help,
        ["routes"] = CommandKind.Routes,
    };

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        CommandKind? kind = null;
        string? config = null, dataDirectory = null, serverName = null, output = null;
        var hostArgs = new List<string>();
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (kind == CommandKind.Debug)
                return Debug(config, dataDirectory, args.Skip(i).ToList());
            if (kind == CommandKind.RegisterUser)
                return RegisterUser(config, args.Skip(i).ToList());
            if (arg is "--help" or "-h")
            {
                help = true;
                continue;
            }
            if (!arg.StartsWith('-'))
            {
                if (kind is not null) return Invalid($"unexpected argument '{arg}'");
                if (!Commands.TryGetValue(arg, out var command)) return Invalid($"unknown command '{arg}'");
                kind = command;
                continue;
            }
            var equals = arg.IndexOf('=');
            var name = equals < 0 ? arg : arg[..equals];
            string? Value()
            {
                if (equals >= 0) return arg[(equals + 1)..];
                return i + 1 < args.Count ? args[++i] : null;
            }
            switch (name)
            {
                case "--config" or "-c":
                    config = Value();
                    if (string.IsNullOrEmpty(config)) return Invalid("--config needs a file path");
                    break;
                case "--data-dir":
                    dataDirectory = Value();
                    if (string.IsNullOrEmpty(dataDirectory)) return Invalid("--data-dir needs a folder path");
                    break;
                case "--server-name":
                    serverName = Value();
                    if (string.IsNullOrEmpty(serverName)) return Invalid("--server-name needs a name");
                    break;
                case "--output" or "-o":
                    output = Value();
                    if (string.IsNullOrEmpty(output)) return Invalid("--output needs a file path (or - for standard output)");
                    break;
                default:
                    if (equals < 2) return Invalid($"unknown option '{arg}'");
                    hostArgs.Add(arg);
                    break;
            }
        }
        if (help || kind == CommandKind.Help) return new CommandLine(CommandKind.Help);
        var resolved = kind ?? CommandKind.Run;
        if (resolved == CommandKind.Debug) return Debug(config, dataDirectory, []);
        if (resolved == CommandKind.RegisterUser) return RegisterUser(config, []);
        if (serverName is not null && resolved != CommandKind.GenerateConfig) return Invalid("--server-name applies to generate-config only");
        if (resolved == CommandKind.GenerateConfig && serverName is null) return Invalid("generate-config needs --server-name NAME");
        if (output is not null && resolved is not (CommandKind.GenerateKeys or CommandKind.Routes))
            return Invalid("--output applies to generate-keys and routes only");
        return new CommandLine(resolved, config, dataDirectory, serverName, output, hostArgs);
    }

    /// <summary>
    /// The debug command gets the arguments after its name, plus <c>--config</c> and <c>--data-dir</c> when
    /// they were given before <c>debug</c>, so <c>--config x debug config</c> works like <c>debug config --config x</c>.
    /// </summary>
    private static CommandLine Debug(string? config, string? dataDirectory, List<string> rest)
    {
        if (rest.Count > 0)
        {
            if (dataDirectory is not null) rest.Insert(1, $"--data-dir={dataDirectory}");
            if (config is not null) rest.Insert(1, $"--config={config}");
        }
        return new CommandLine(CommandKind.Debug, config, dataDirectory, CommandArgs: rest);
    }

    /// <summary>register-user parses its own options (see <c>RegisterUserCommand</c>); a <c>--config</c> given before it is passed on.</summary>
    private static CommandLine RegisterUser(string? config, List<string> rest)
    {
        if (config is not null) rest.Insert(0, $"--config={config}");
        return new CommandLine(CommandKind.RegisterUser, config, CommandArgs: rest);
    }

    private static CommandLine Invalid(string error) => new(CommandKind.Invalid, Error: error);
}
