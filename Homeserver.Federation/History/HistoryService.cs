using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.History;

/// <summary>
/// Serves a room's events and state to other servers (event, state, state_ids, event_auth,
/// backfill, get_missing_events, timestamp_to_event). Each answer goes only to servers allowed to
/// see the room (<see cref="ServerHistoryVisibility"/>); events of the graph the server may not see
/// are served redacted, so the graph stays whole. Every walk is bounded by its limit.
/// </summary>
public sealed class HistoryService(IRoomEventStore store, IRoomTimelineStore timeline, ServerHistoryVisibility visibility,
    StoredPduLoader loader, ServerIdentity identity, TimeProvider time)
{
    public const int MaxBackfillLimit = 100;
    public const int MaxMissingEventsLimit = 20;
    public const int DefaultMissingEventsLimit = 10;

    private readonly PrevEventsWalk _walk = new(loader);

    /// <summary><c>GET /event/{eventId}</c>: one event, as a transaction of one PDU.</summary>
    public async Task<JsonObject> GetEventAsync(string origin, string eventId, CancellationToken cancellationToken)
    {
        var record = await store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (record is null || record.IsRejected)
            throw MatrixException.NotFound("Unknown event.");
        var version = await visibility.RoomVersionAsync(record.RoomId, cancellationToken).ConfigureAwait(false);
        await visibility.EnsureEventAccessAsync(origin, version, record.RoomId, eventId, cancellationToken).ConfigureAwait(false);
        var pdu = StoredPduLoader.FromRecord(record, version).Pdu;
        return Transaction(new JsonArray(await ForServerAsync(origin, pdu, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary><c>GET /state</c> and <c>/state_ids</c>: the state before the event, with its auth chain.</summary>
    public async Task<JsonObject> GetStateAsync(string origin, string roomId, string eventId, bool idsOnly, CancellationToken cancellationToken)
    {
        var version = await visibility.RoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false);
        await visibility.EnsureEventAccessAsync(origin, version, roomId, eventId, cancellationToken).ConfigureAwait(false);
        var state = await store.GetStateBeforeAsync(eventId, cancellationToken).ConfigureAwait(false)
            ?? throw MatrixException.NotFound("No state is known here at that event.");
        var stateIds = state.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var chain = (await store.GetAuthChainAsync(stateIds, cancellationToken).ConfigureAwait(false)).Order(StringComparer.Ordinal).ToList();
        if (idsOnly)
            return new JsonObject
            {
                ["pdu_ids"] = new JsonArray([.. stateIds.Select(id => (JsonNode)JsonValue.Create(id))]),
                ["auth_chain_ids"] = new JsonArray([.. chain.Select(id => (JsonNode)JsonValue.Create(id))]),
            };
        return new JsonObject
        {
            ["pdus"] = await PdusAsync(stateIds, version, cancellationToken).ConfigureAwait(false),
            ["auth_chain"] = await PdusAsync(chain, version, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary><c>GET /event_auth</c>: the event's full auth chain.</summary>
    public async Task<JsonObject> GetEventAuthAsync(string origin, string roomId, string eventId, CancellationToken cancellationToken)
    {
        var version = await visibility.RoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false);
        await visibility.EnsureEventAccessAsync(origin, version, roomId, eventId, cancellationToken).ConfigureAwait(false);
        var chain = (await store.GetAuthChainAsync([eventId], cancellationToken).ConfigureAwait(false)).Order(StringComparer.Ordinal).ToList();
        return new JsonObject { ["auth_chain"] = await PdusAsync(chain, version, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary><c>GET /backfill</c>: the given events and those before them, deepest first, up to the limit.</summary>
    public async Task<JsonObject> BackfillAsync(string origin, string roomId, IReadOnlyCollection<string> from, int limit,
        CancellationToken cancellationToken)
    {
        var version = await visibility.EnsureRoomAccessAsync(origin, roomId, cancellationToken).ConfigureAwait(false);
        var events = await _walk.WalkAsync(roomId, version, from, new HashSet<string>(), long.MinValue, Math.Min(limit, MaxBackfillLimit),
            cancellationToken).ConfigureAwait(false);
        var pdus = new JsonArray();
        foreach (var stored in events)
            pdus.Add(await ForServerAsync(origin, stored.Pdu, cancellationToken).ConfigureAwait(false));
        return Transaction(pdus);
    }

    /// <summary>
    /// <c>POST /get_missing_events</c>: events before <paramref name="latest"/> (themselves excluded), not
    /// past <paramref name="earliest"/> nor below <paramref name="minDepth"/>, oldest first.
    /// </summary>
    public async Task<JsonObject> GetMissingEventsAsync(string origin, string roomId, IReadOnlyCollection<string> earliest,
        IReadOnlyCollection<string> latest, int limit, long minDepth, CancellationToken cancellationToken)
    {
        var version = await visibility.EnsureRoomAccessAsync(origin, roomId, cancellationToken).ConfigureAwait(false);
        var latestEvents = await loader.LoadAsync(latest, version, cancellationToken).ConfigureAwait(false);
        var starts = latestEvents.Values.Where(e => e.Pdu.RoomId == roomId).SelectMany(e => e.Pdu.PrevEvents);
        var stopAt = new HashSet<string>(earliest.Concat(latest), StringComparer.Ordinal);
        var events = await _walk.WalkAsync(roomId, version, starts, stopAt, minDepth, Math.Min(limit, MaxMissingEventsLimit), cancellationToken)
            .ConfigureAwait(false);
        var pdus = new JsonArray();
        foreach (var stored in events.OrderBy(e => e.Pdu.Depth).ThenBy(e => e.Pdu.EventId, StringComparer.Ordinal))
            pdus.Add(await ForServerAsync(origin, stored.Pdu, cancellationToken).ConfigureAwait(false));
        return new JsonObject { ["events"] = pdus };
    }

    /// <summary><c>GET /timestamp_to_event</c>: the event nearest to the time in the direction, that the server may see.</summary>
    public async Task<JsonObject> TimestampToEventAsync(string origin, string roomId, long ts, bool backwards, CancellationToken cancellationToken)
    {
        var version = await visibility.EnsureRoomAccessAsync(origin, roomId, cancellationToken).ConfigureAwait(false);
        const int pageSize = 20, maxPages = 5;
        var cursor = new TimestampCursor(ts);
        for (var page = 0; page < maxPages; page++)
        {
            var candidates = await timeline.GetRoomEventsByTimestampAsync(roomId, cursor, backwards, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in candidates)
                if (await visibility.CanSeeAsync(origin, version, roomId, record.EventId, record.Type, record.StateKey, cancellationToken).ConfigureAwait(false))
                    return new JsonObject { ["event_id"] = record.EventId, ["origin_server_ts"] = record.OriginServerTs };
            if (candidates.Count < pageSize) break;
            cursor = TimestampCursor.After(candidates[^1]);
        }
        throw MatrixException.NotFound("No event was found in that direction.");
    }

    /// <summary>The event as the server may see it: whole, or redacted when the history visibility hides it.</summary>
    private async Task<JsonObject> ForServerAsync(string origin, Pdu pdu, CancellationToken cancellationToken)
    {
        var json = pdu.Json.DeepClone().AsObject();
        return await visibility.CanSeeAsync(origin, pdu.RoomVersion, pdu.RoomId, pdu.EventId, pdu.Type, pdu.StateKey, cancellationToken).ConfigureAwait(false)
            ? json
            : Redaction.Redact(json, pdu.RoomVersion);
    }

    private async Task<JsonArray> PdusAsync(IReadOnlyList<string> ids, RoomVersion version, CancellationToken cancellationToken)
    {
        var found = await loader.LoadAsync(ids, version, cancellationToken).ConfigureAwait(false);
        return new JsonArray([.. ids.Where(found.ContainsKey).Select(id => (JsonNode)found[id].Pdu.Json.DeepClone())]);
    }

    private JsonObject Transaction(JsonArray pdus) => new()
    {
        ["origin"] = identity.ServerName,
        ["origin_server_ts"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
        ["pdus"] = pdus,
    };
}
