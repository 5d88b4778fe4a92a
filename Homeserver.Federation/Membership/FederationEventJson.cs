using System.Text.Json.Nodes;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Membership;

/// <summary>Stored events in the form servers exchange them (the stored canonical JSON: v3+ events carry no event_id).</summary>
internal static class FederationEventJson
{
    public static JsonObject Of(EventRecord record) =>
        JsonNode.Parse(record.Json) as JsonObject ?? throw new InvalidOperationException($"stored event {record.EventId} is not an object");

    public static JsonArray ArrayOf(IEnumerable<EventRecord> records) => new([.. records.Select(r => (JsonNode)Of(r))]);
}
