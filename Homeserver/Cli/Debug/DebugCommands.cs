using Homeserver.Federation.Authorization;

namespace Homeserver.Cli.Debug;

/// <summary>
/// Dispatches <c>debug &lt;name&gt; args...</c> to the registered <see cref="IDebugCommand"/>; an unknown or
/// missing name prints the list of commands.
/// </summary>
public static class DebugCommands
{
    /// <summary>Every debug command; add new ones here.</summary>
    public static IReadOnlyList<IDebugCommand> All { get; } =
    [
        new ConfigDebugCommand(),
        new DelegateDebugCommand("sign-json", "--key-file F --server-name S < object: the object, signed", SignJsonCommand.Run),
        new DelegateDebugCommand("verify-json", "--server-name S (--public-key K | --key-file F) < object: do S's signatures verify", VerifyJsonCommand.Run),
        new DelegateDebugCommand("event-id", "--room-version V < pdu: event id, content hash and reference hash", EventIdCommand.Run),
        new DelegateDebugCommand("redact", "--room-version V < event: the redacted form", RedactCommand.Run),
        new DelegateDebugCommand("check-auth", "--room-version V < {event, auth_events}: allowed or rejected, with the rule", CheckAuthCommand.Run),
        new DelegateDebugCommand(ResolveStateCommand.Name, ResolveStateCommand.Summary,
            (args, stdin, stdout, stderr) => ResolveStateCommand.Run(args, stdin, stdout, stderr, EventAuthorizer.Default.Check)),
    ];

    public static Task<int> Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            PrintUsage(stdout);
            return Task.FromResult(args.Count == 0 ? 2 : 0);
        }
        var command = All.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"error: unknown debug command '{args[0]}'");
            PrintUsage(stderr);
            return Task.FromResult(2);
        }
        return command.RunAsync(args.Skip(1).ToList(), stdin, stdout, stderr);
    }

    private static void PrintUsage(TextWriter writer)
    {
        writer.WriteLine("Usage: Homeserver debug <command> [arguments]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        var width = All.Max(c => c.Name.Length) + 2;
        foreach (var command in All.OrderBy(c => c.Name, StringComparer.Ordinal))
            writer.WriteLine($"  {command.Name.PadRight(width)}{command.Summary}");
    }
}
