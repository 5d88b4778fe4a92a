using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Events;

/// <summary>
/// Checks the signatures on a received event (server-server API, "Validating hashes and signatures
/// on received events"): the redacted event must be signed by the sender's server, and in v1–v2 also
/// by the server of the event id. Keys that expired before the event's <c>origin_server_ts</c> are
/// ignored when the room version enforces key validity. The content hash is checked separately
/// (<see cref="EventHashes.ContentHashMatches"/>): a mismatch means the event must be used redacted.
/// Third-party-invite signatures are checked by the authorisation rules, not here.
/// </summary>
public static class EventSignatureVerifier
{
    /// <param name="keysOf">The known verify keys of a server (empty when none are known).</param>
    public static SignatureCheck Verify(JsonObject pdu, RoomVersion version, Func<string, IReadOnlyCollection<VerifyKey>> keysOf)
    {
        var servers = RequiredSigners(pdu, version);
        if (servers.Count == 0) return SignatureCheck.Invalid("the event has no valid sender");
        long? validAt = null;
        if (version.Rules.EnforceSigningKeyValidity)
        {
            if (pdu["origin_server_ts"] is not JsonValue ts || !ts.TryGetValue(out long originTs))
                return SignatureCheck.Invalid("origin_server_ts must be an integer");
            validAt = originTs;
        }

        // The redacted event keeps the signatures as they are, so they are read from the event itself
        // and the signed bytes are written once for every server.
        using var signed = CanonicalJsonWriter.Rent();
        Redaction.WriteSignedPart(signed, pdu, version);
        var verified = 0;
        foreach (var server in servers)
        {
            var check = JsonSignatureVerifier.VerifyBytes(pdu, server, keysOf(server), validAt, signed.Written);
            if (!check.IsValid) return check;
            verified++;
        }
        return SignatureCheck.Valid(verified);
    }

    /// <summary>
    /// Checks one server's signature on the redacted event, whatever the sender (for example a
    /// policy server's). Key validity is not considered.
    /// </summary>
    public static SignatureCheck VerifyServer(JsonObject pdu, RoomVersion version, string server, IReadOnlyCollection<VerifyKey> keys) =>
        JsonSignatureVerifier.Verify(Redaction.Redact(pdu, version), server, keys);

    /// <summary>The servers whose signatures an event needs: the sender's, plus the event id's in v1–v2.</summary>
    public static IReadOnlyList<string> RequiredSigners(JsonObject pdu, RoomVersion version)
    {
        var servers = new List<string>(2);
        if (pdu["sender"] is JsonValue s && s.TryGetValue(out string? sender) && ServerOf(sender) is { } senderServer)
            servers.Add(senderServer);
        else
            return servers;
        if (version.Rules.EventIdFormat == EventIdFormat.Opaque &&
            pdu["event_id"] is JsonValue e && e.TryGetValue(out string? eventId) &&
            ServerOf(eventId) is { } idServer && idServer != servers[0])
            servers.Add(idServer);
        return servers;
    }

    private static string? ServerOf(string id)
    {
        var colon = id.IndexOf(':');
        return colon > 0 && colon < id.Length - 1 ? id[(colon + 1)..] : null;
    }
}
