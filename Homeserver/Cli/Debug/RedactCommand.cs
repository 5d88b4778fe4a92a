using Homeserver.Federation.Events;

namespace Homeserver.Cli.Debug;

/// <summary><c>--room-version V</c>: prints the redacted form of the PDU on stdin, as canonical JSON.</summary>
public static class RedactCommand
{
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        DebugCommandInput.Guard(stderr, () =>
        {
            var version = DebugCommandInput.RoomVersion(new DebugCommandArgs(args, "room-version"));
            var pdu = DebugCommandInput.ReadObject(stdin, version.Rules.StrictCanonicalJson);
            DebugCommandInput.WriteJson(stdout, Redaction.Redact(pdu, version));
            return 0;
        });
}
