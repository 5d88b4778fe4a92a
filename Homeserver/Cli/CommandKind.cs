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
    /// <summary>Set the server up as <see cref="Run"/> would, then write its route table (JSON) instead of serving.</summary>
    Routes,
    /// <summary>The arguments could not be understood; <see cref="CommandLine.Error"/> says why.</summary>
    Invalid,
}
