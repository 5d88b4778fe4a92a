namespace Homeserver.Cli.Debug;

/// <summary>One <c>debug &lt;name&gt; ...</c> tool. Register new ones in <see cref="DebugCommands.All"/>.</summary>
public interface IDebugCommand
{
    /// <summary>The name after <c>debug</c>, such as <c>config</c>.</summary>
    string Name { get; }

    /// <summary>One line for the usage list: arguments and what the command does.</summary>
    string Summary { get; }

    /// <summary>Runs with the arguments after the name; returns the process exit code.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr);
}
