using System.Text.Json.Nodes;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Events;

/// <summary>What the hash and signature checks say about a received event.</summary>
public enum PduIntegrityVerdict
{
    /// <summary>Signatures and content hash are valid: use the event as received.</summary>
    Intact,
    /// <summary>Signatures are valid but the content hash is not: use the redacted form.</summary>
    MustBeRedacted,
    /// <summary>A required signature is missing or wrong: drop the event.</summary>
    Rejected,
}

/// <summary>
/// The checks on a received event (server-server API, "Validating hashes and signatures on
/// received events"): signatures first, then the content hash.
/// </summary>
public static class PduIntegrity
{
    public static (PduIntegrityVerdict Verdict, string Reason) Check(JsonObject pdu, RoomVersion version,
        Func<string, IReadOnlyCollection<VerifyKey>> keysOf)
    {
        var signatures = EventSignatureVerifier.Verify(pdu, version, keysOf);
        if (!signatures.IsValid) return (PduIntegrityVerdict.Rejected, signatures.Reason);
        return EventHashes.ContentHashMatches(pdu)
            ? (PduIntegrityVerdict.Intact, signatures.Reason)
            : (PduIntegrityVerdict.MustBeRedacted, "the content hash does not match; the event must be redacted");
    }
}
