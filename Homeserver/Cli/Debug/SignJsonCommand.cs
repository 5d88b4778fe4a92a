using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Signing;

namespace Homeserver.Cli.Debug;

/// <summary>
/// <c>--key-file F --server-name S</c>: reads a JSON object on stdin and writes it signed by the
/// first key of the (Synapse-format) key file, as canonical JSON.
/// </summary>
public static class SignJsonCommand
{
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        DebugCommandInput.Guard(stderr, () =>
        {
            var options = new DebugCommandArgs(args, "key-file", "server-name");
            var server = options.Required("server-name");
            if (!ServerName.IsValid(server)) throw new DebugCommandException($"invalid server name '{server}'");
            var keys = DebugCommandInput.KeyFile(options.Required("key-file"));
            try
            {
                var obj = DebugCommandInput.ReadObject(stdin, strict: true);
                JsonSigner.Sign(obj, server, keys[0]);
                DebugCommandInput.WriteJson(stdout, obj);
                return 0;
            }
            finally
            {
                foreach (var key in keys) key.Dispose();
            }
        });
}
