using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Cli.Debug;

/// <summary>
/// <c>--room-version V</c>: for a PDU on stdin prints <c>{"content_hash", "event_id", "reference_hash"}</c>
/// (hashes in unpadded base64; in v1–v2 the event id is the one the event carries, or null).
/// </summary>
public static class EventIdCommand
{
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        DebugCommandInput.Guard(stderr, () =>
        {
            var version = DebugCommandInput.RoomVersion(new DebugCommandArgs(args, "room-version"));
            var pdu = DebugCommandInput.ReadObject(stdin, version.Rules.StrictCanonicalJson);
            var eventId = version.Rules.EventIdFormat == EventIdFormat.Opaque
                ? (pdu["event_id"] as JsonValue)?.TryGetValue(out string? carried) == true ? carried : null
                : EventIds.Compute(pdu, version);
            DebugCommandInput.WriteJson(stdout, new JsonObject
            {
                ["event_id"] = eventId,
                ["content_hash"] = UnpaddedBase64.Encode(EventHashes.ContentHash(pdu)),
                ["reference_hash"] = UnpaddedBase64.Encode(EventHashes.ReferenceHash(pdu, version)),
            });
            return 0;
        });
}
