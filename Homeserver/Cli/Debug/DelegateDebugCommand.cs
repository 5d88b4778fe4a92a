namespace Homeserver.Cli.Debug;

/// <summary>Adapts a protocol tool written as a static <c>Run(args, stdin, stdout, stderr)</c> method to <see cref="IDebugCommand"/>.</summary>
public sealed class DelegateDebugCommand(string name, string summary, Func<string[], TextReader, TextWriter, TextWriter, int> run) : IDebugCommand
{
    public string Name => name;

    public string Summary => summary;

    public Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        Task.FromResult(run(args.ToArray(), stdin, stdout, stderr));
}
