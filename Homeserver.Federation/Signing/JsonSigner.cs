using System.Text.Json.Nodes;
using Homeserver.Federation.Json;

namespace Homeserver.Federation.Signing;

/// <summary>
/// Signs JSON objects (appendices, "Signing JSON"): the canonical form without <c>signatures</c>
/// and <c>unsigned</c> is signed, and the signature is added under <c>signatures[server][keyId]</c>.
/// </summary>
public static class JsonSigner
{
    /// <summary>The members that a signature never covers.</summary>
    internal static readonly string[] UnsignedMembers = ["signatures", "unsigned"];

    /// <summary>Signs the object in place and returns the unpadded base64 signature.</summary>
    public static string Sign(JsonObject obj, string serverName, SigningKey key)
    {
        var signature = ComputeSignature(obj, key);
        AddSignature(obj, serverName, key.KeyId, signature);
        return signature;
    }

    /// <summary>Puts a signature under <c>signatures[server][keyId]</c>, keeping the others.</summary>
    internal static void AddSignature(JsonObject obj, string serverName, string keyId, string signature)
    {
        var signatures = obj["signatures"] switch
        {
            JsonObject existing => existing,
            null => (JsonObject)(obj["signatures"] = new JsonObject()),
            _ => throw new FormatException("signatures must be an object"),
        };
        var byServer = signatures[serverName] switch
        {
            JsonObject existing => existing,
            null => (JsonObject)(signatures[serverName] = new JsonObject()),
            _ => throw new FormatException($"signatures[{serverName}] must be an object"),
        };
        byServer[keyId] = signature;
    }

    /// <summary>The signature of the object's signed part, without changing the object.</summary>
    public static string ComputeSignature(JsonObject obj, SigningKey key)
    {
        using var writer = CanonicalJsonWriter.Rent();
        writer.WriteObject(obj, UnsignedMembers);
        return UnpaddedBase64.Encode(key.Sign(writer.Written));
    }
}
