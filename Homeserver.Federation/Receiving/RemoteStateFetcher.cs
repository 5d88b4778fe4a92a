using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Microsoft.Extensions.Logging;
using EventId = Homeserver.Federation.Identifiers.EventId;

namespace Homeserver.Federation.Receiving;

/// <summary>
/// The last resort for a received event whose gap get_missing_events did not fill: the state before
/// the event as its origin reports it (<c>state_ids</c> at the event itself), the events of that state
/// and its auth chain that are not stored here (one <c>/event</c> request each, or one <c>/state</c>
/// request when many are missing), then <see cref="RoomEventPipeline.ReceiveWithStateAsync"/>.
/// </summary>
public sealed class RemoteStateFetcher(IFederationClient? client, IRoomEventStore events, RoomEventPipeline pipeline,
    ILogger<RemoteStateFetcher> logger)
{
    /// <summary>Most ids accepted from one <c>state_ids</c> answer (state plus auth chain).</summary>
    public const int MaxStateIds = 50_000;

    /// <summary>Up to this many missing events are fetched one by one; more come from one <c>/state</c> request.</summary>
    public const int MaxSingleEventFetches = 20;

    /// <summary>Single event requests made at the same time.</summary>
    private const int FetchConcurrency = 4;

    /// <summary>
    /// Processes <paramref name="pdu"/> on the state its origin reports before it; null when that state could
    /// not be obtained (unreachable origin, invalid answer, the transaction's fetch budget spent).
    /// </summary>
    public async Task<RoomEventResult?> ReceiveWithRemoteStateAsync(string origin, Pdu pdu, FetchBudget budget, CancellationToken cancellationToken)
    {
        if (client is null || !budget.TryTake()) return null;
        var roomId = pdu.RoomId;
        var version = pdu.RoomVersion;
        var query = $"?event_id={Uri.EscapeDataString(pdu.EventId)}";
        try
        {
            var ids = await client.GetJsonAsync(origin, $"/_matrix/federation/v1/state_ids/{Uri.EscapeDataString(roomId)}{query}", cancellationToken)
                .ConfigureAwait(false);
            if (EventIdList(ids?["pdu_ids"]) is not { } stateIds || EventIdList(ids?["auth_chain_ids"]) is not { } authChainIds
                || stateIds.Count + authChainIds.Count > MaxStateIds)
                return null;

            var wanted = stateIds.Concat(authChainIds).Distinct(StringComparer.Ordinal).ToList();
            var missing = await events.GetMissingEventIdsAsync(wanted, cancellationToken).ConfigureAwait(false);
            var found = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var record in await events.GetEventsAsync(wanted.Where(id => !missing.Contains(id)).ToList(), cancellationToken).ConfigureAwait(false))
                found[record.EventId] = CanonicalJsonReader.ParseObject(record.Json, strict: false);

            if (missing.Count > MaxSingleEventFetches)
            {
                if (!budget.TryTake()) return null;
                var state = await client.GetJsonAsync(origin, $"/_matrix/federation/v1/state/{Uri.EscapeDataString(roomId)}{query}", cancellationToken)
                    .ConfigureAwait(false);
                foreach (var node in (state?["pdus"] as JsonArray ?? []).Concat(state?["auth_chain"] as JsonArray ?? []))
                    if (node is JsonObject json && IdIfOfRoom(json, version, roomId) is { } id && missing.Contains(id))
                        found[id] = json;
            }
            else if (missing.Count > 0)
            {
                if (!budget.TryTake(missing.Count)) return null;
                await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = FetchConcurrency, CancellationToken = cancellationToken },
                    async (id, ct) =>
                    {
                        if (await FetchEventAsync(origin, id, version, roomId, ct).ConfigureAwait(false) is { } json) found[id] = json;
                    }).ConfigureAwait(false);
            }

            // Without every state event the state is not the origin's; auth chain events are checked as far as they go.
            if (stateIds.Any(id => !found.ContainsKey(id))) return null;
            var stateBefore = stateIds.Select(id => found[id]).ToList();
            var authChain = authChainIds.Where(found.ContainsKey).Select(id => found[id]).ToList();
            return await pipeline.ReceiveWithStateAsync(pdu.Json.DeepClone().AsObject(), version, stateBefore, authChain, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (FederationRequestException e)
        {
            ReceivingLog.FetchFailed(logger, roomId, origin, e.Message);
            return null;
        }
    }

    /// <summary>One event by id (<c>GET /event/{eventId}</c>), when the answer is that event of that room; else null.</summary>
    private async Task<JsonObject?> FetchEventAsync(string origin, string eventId, RoomVersion version, string roomId, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await client!.GetJsonAsync(origin, "/_matrix/federation/v1/event/" + Uri.EscapeDataString(eventId), cancellationToken)
                .ConfigureAwait(false);
            return answer?["pdus"] is JsonArray { Count: 1 } pdus && pdus[0] is JsonObject json && IdIfOfRoom(json, version, roomId) == eventId
                ? json
                : null;
        }
        catch (FederationRequestException e)
        {
            ReceivingLog.FetchFailed(logger, roomId, origin, e.Message);
            return null;
        }
    }

    /// <summary>The event's id when it is an event of the room in its version, else null.</summary>
    private static string? IdIfOfRoom(JsonObject json, RoomVersion version, string roomId)
    {
        if (json["room_id"] is not JsonValue room || !room.TryGetValue(out string? id) || id != roomId) return null;
        try
        {
            return EventIds.Compute(json, version);
        }
        catch (Exception e) when (e is PduFormatException or CanonicalJsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>An array of event ids, or null when it is not one.</summary>
    private static List<string>? EventIdList(JsonNode? node)
    {
        if (node is not JsonArray array || array.Count > MaxStateIds) return null;
        var ids = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonValue value || !value.TryGetValue(out string? id) || !EventId.IsValid(id)) return null;
            ids.Add(id);
        }
        return ids;
    }
}
