using System.Text.Json.Nodes;
using Homeserver.Federation.Signing;

namespace Homeserver.Cli.Debug;

/// <summary>
/// <c>--server-name S</c> with <c>--public-key K [--key-id ed25519:V]</c> or <c>--key-file F</c>:
/// reads a signed JSON object on stdin; exit 0 and "valid: ..." when every signature of S verifies,
/// exit 1 and "invalid: ..." otherwise. With a bare public key and no key id, the key is tried for
/// every ed25519 key id S signed with.
/// </summary>
public static class VerifyJsonCommand
{
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        DebugCommandInput.Guard(stderr, () =>
        {
            var options = new DebugCommandArgs(args, "server-name", "public-key", "key-id", "key-file");
            var server = options.Required("server-name");
            var publicKey = options.Optional("public-key");
            var keyFile = options.Optional("key-file");
            if ((publicKey is null) == (keyFile is null)) throw new DebugCommandException("give either --public-key or --key-file");
            if (keyFile is not null && options.Optional("key-id") is not null) throw new DebugCommandException("--key-id goes with --public-key");

            // Check the key before reading input, so a bad key is reported whatever the input.
            if (publicKey is not null) VerifyKey.FromBase64(options.Optional("key-id") ?? "ed25519:any", publicKey);
            var obj = DebugCommandInput.ReadObject(stdin, strict: true);
            var signedKeyIds = (obj["signatures"] as JsonObject)?[server] is JsonObject byKey ? byKey.Select(p => p.Key).ToList() : [];

            var keys = new List<VerifyKey>();
            if (publicKey is not null)
            {
                var ids = options.Optional("key-id") is { } keyId ? [keyId] : signedKeyIds.Where(id => id.StartsWith("ed25519:", StringComparison.Ordinal));
                keys.AddRange(ids.Select(id => VerifyKey.FromBase64(id, publicKey)));
            }
            else
            {
                foreach (var key in DebugCommandInput.KeyFile(keyFile!))
                {
                    keys.Add(VerifyKey.FromSigningKey(key));
                    key.Dispose();
                }
            }

            // Every signature of S must verify: a key id without a key is a failure here, not skipped.
            var unverifiable = signedKeyIds.FirstOrDefault(id => keys.All(k => k.KeyId != id));
            var check = unverifiable is not null
                ? SignatureCheck.Invalid($"no key to verify signature {server} {unverifiable}")
                : JsonSignatureVerifier.Verify(obj, server, keys);
            stdout.WriteLine(check.ToString());
            return check.IsValid ? 0 : 1;
        });
}
