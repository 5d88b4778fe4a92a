using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Events;

/// <summary>The content hash and reference hash of events (server-server API, "Signing Events").</summary>
public static class EventHashes
{
    private static readonly string[] ContentHashExcluded = ["unsigned", "signatures", "hashes"];

    /// <summary>SHA-256 of the canonical event without <c>unsigned</c>, <c>signatures</c> and <c>hashes</c>.</summary>
    public static byte[] ContentHash(JsonObject pdu) => CanonicalJson.Sha256Without(pdu, ContentHashExcluded);

    /// <summary>SHA-256 of the canonical redacted event without <c>signatures</c> and <c>unsigned</c>.</summary>
    public static byte[] ReferenceHash(JsonObject pdu, RoomVersion version)
    {
        // The redacted form never has unsigned, so "redacted minus signatures" is exactly what is hashed.
        using var writer = CanonicalJsonWriter.Rent();
        Redaction.WriteSignedPart(writer, pdu, version);
        return SHA256.HashData(writer.Written);
    }

    /// <summary>Sets <c>hashes.sha256</c> to the event's content hash, keeping other algorithms' hashes.</summary>
    public static void AddContentHash(JsonObject pdu)
    {
        var hash = UnpaddedBase64.Encode(ContentHash(pdu));
        if (pdu["hashes"] is JsonObject hashes) hashes["sha256"] = hash;
        else pdu["hashes"] = new JsonObject { ["sha256"] = hash };
    }

    /// <summary>True when <c>hashes.sha256</c> decodes to the event's content hash.</summary>
    public static bool ContentHashMatches(JsonObject pdu)
    {
        if (pdu["hashes"] is not JsonObject hashes || hashes["sha256"] is not JsonValue value || !value.TryGetValue(out string? claimed))
            return false;
        Span<byte> decoded = stackalloc byte[34];
        return UnpaddedBase64.TryDecode(claimed, decoded, out var length) && length == SHA256.HashSizeInBytes &&
               CryptographicOperations.FixedTimeEquals(decoded[..length], ContentHash(pdu));
    }
}
