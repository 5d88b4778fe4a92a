using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Receiving;

/// <summary>
/// Fills the gap before a received event whose prev events are unknown here, from the server that
/// sent it: first the events between our forward extremities and it (<c>get_missing_events</c>), run
/// through the pipeline oldest first. Without a federation client nothing is fetched.
/// </summary>
public sealed partial class MissingEventsFetcher(IFederationClient? client, IRoomEventStore events, RoomEventPipeline pipeline,
    ILogger<MissingEventsFetcher> logger)
{
    /// <summary>How many missing events one request asks for.</summary>
    public const int MissingEventsLimit = 20;

    /// <summary>At most this many of our forward extremities are named as <c>earliest_events</c>.</summary>
    public const int MaxEarliestEvents = 50;

    /// <summary>
    /// Asks <paramref name="origin"/> for the events between our forward extremities and <paramref name="pdu"/>
    /// and processes those it returns. False when nothing could be fetched.
    /// </summary>
    public async Task<bool> FetchMissingPrevEventsAsync(string origin, Pdu pdu, FetchBudget budget, CancellationToken cancellationToken)
    {
        if (client is null || !budget.TryTake()) return false;
        var roomId = pdu.RoomId;
        var extremities = (await events.GetForwardExtremitiesAsync(roomId, cancellationToken).ConfigureAwait(false)).Take(MaxEarliestEvents).ToList();
        var extremityRecords = await events.GetEventsAsync(extremities, cancellationToken).ConfigureAwait(false);
        var minDepth = extremityRecords.Count == 0 ? 0 : extremityRecords.Min(r => r.Depth);
        var request = new JsonObject
        {
            ["earliest_events"] = new JsonArray([.. extremities.Select(id => JsonValue.Create(id))]),
            ["latest_events"] = new JsonArray(pdu.EventId),
            ["limit"] = MissingEventsLimit,
            ["min_depth"] = minDepth,
        };
        JsonNode? answer;
        try
        {
            answer = await client.PostJsonAsync(origin, "/_matrix/federation/v1/get_missing_events/" + Uri.EscapeDataString(roomId), request,
                cancellationToken).ConfigureAwait(false);
        }
        catch (FederationRequestException e)
        {
            ReceivingLog.FetchFailed(logger, roomId, origin, e.Message);
            return false;
        }
        if (answer?["events"] is not JsonArray returned) return false;

        var missing = new List<Pdu>();
        foreach (var node in returned.Take(MissingEventsLimit))
            if (node is JsonObject json && TryParse(json, pdu.RoomVersion, roomId) is { } parsed && parsed.EventId != pdu.EventId)
                missing.Add(parsed);
        foreach (var ev in missing.OrderBy(e => e.Depth).ThenBy(e => e.EventId, StringComparer.Ordinal))
            await pipeline.ReceiveAsync(ev.Json, pdu.RoomVersion, cancellationToken).ConfigureAwait(false);
        return missing.Count > 0;
    }

    /// <summary>An event of the room as another server returned it, or null when it is not a valid event of that room.</summary>
    private static Pdu? TryParse(JsonObject json, RoomVersion version, string roomId)
    {
        try
        {
            var pdu = PduParser.FromJson(json.DeepClone().AsObject(), version);
            return pdu.RoomId == roomId ? pdu : null;
        }
        catch (PduFormatException)
        {
            return null;
        }
    }
}
