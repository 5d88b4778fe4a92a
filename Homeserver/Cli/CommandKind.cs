namespace Homeserver.Cli;

public enum CommandKind
{
    /// <summary>Run the server (the default when no command is given).</summary>
    Run,
    GenerateConfig,
    GenerateKeys,
    Debug,
    /// <summary>Create an account on a running server with the shared registration secret.</summary>
    RegisterUser,
    Help,
    /// <summary>The arguments could not be understood; <see cref="CommandLine.Error"/> says why.</summary>
    Invalid,
}
