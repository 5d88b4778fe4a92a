using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Events;

/// <summary>
/// Hashes and signs an outgoing event (server-server API, "Adding hashes and signatures to
/// outgoing events"): set the content hash, sign the redacted form, copy the signature back.
/// </summary>
public static class EventSigner
{
    /// <summary>
    /// Adds <c>hashes.sha256</c> and this server's signature to the event in place. The event id
    /// (for v3+) follows from the signed event: <see cref="EventIds.Compute"/>.
    /// </summary>
    public static void SignPdu(JsonObject pdu, RoomVersion version, string serverName, SigningKey key)
    {
        EventHashes.AddContentHash(pdu);
        string signature;
        using (var writer = CanonicalJsonWriter.Rent())
        {
            Redaction.WriteSignedPart(writer, pdu, version);
            signature = UnpaddedBase64.Encode(key.Sign(writer.Written));
        }
        JsonSigner.AddSignature(pdu, serverName, key.KeyId, signature);
    }
}
