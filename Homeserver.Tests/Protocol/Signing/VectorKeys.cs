using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.Protocol.Signing;

/// <summary>The <c>keys</c> section of a vector file: seeds and public keys by name.</summary>
internal static class VectorKeys
{
    public static JsonObject Entry(string file, string name) => VectorFile.Load(file)["keys"]![name]!.AsObject();

    public static SigningKey Signing(string file, string name)
    {
        var entry = Entry(file, name);
        var keyId = (string)entry["key_id"]!;
        return SigningKey.FromSeed(keyId["ed25519:".Length..], UnpaddedBase64.Decode((string)entry["seed_base64"]!));
    }

    public static VerifyKey Verify(string file, string name)
    {
        var entry = Entry(file, name);
        return VerifyKey.FromBase64((string)entry["key_id"]!, (string)entry["public_key_base64"]!);
    }

    public static string ServerName(string file, string name) => (string)Entry(file, name)["server_name"]!;
}
