namespace Homeserver.Cli;

public enum CommandKind
{
    /// <summary>Run the server (the default when no command is given).</summary>
    Run,
    GenerateConfig,
    GenerateKeys,
    Debug,
    Help,
    /// <summary>The arguments could not be understood; <see cref="CommandLine.Error"/> says why.</summary>
    Invalid,
}
