using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// The server ACL of a room's current state (<c>m.room.server_acl</c>, see <see cref="ServerAcl"/>).
/// Every Server-Server endpoint that names a room must ask it about the request's origin and answer
/// 403 <c>M_FORBIDDEN</c> when denied (<see cref="RequireAllowedAsync"/>): <c>make_join</c>,
/// <c>send_join</c> (v1, v2), <c>make_leave</c>, <c>send_leave</c> (v1, v2), <c>invite</c> (v1, v2),
/// <c>make_knock</c>, <c>send_knock</c>, <c>state</c>, <c>state_ids</c>, <c>backfill</c>, <c>event_auth</c>,
/// <c>get_missing_events</c>, and the hierarchy. In <c>/send/{txnId}</c> it is asked per PDU (a denied
/// origin's PDU is dropped with an error for its event id) and per room-local EDU (<c>m.typing</c>, and the
/// receipts of each room of <c>m.receipt</c>, are ignored when denied).
/// The parsed ACL is cached per room and reused while the room's current ACL event id stays the same,
/// so a check costs one indexed lookup of that id.
/// </summary>
public sealed class RoomServerAcl(IRoomEventStore store)
{
    public const string EventType = "m.room.server_acl";

    /// <summary>Rooms whose parsed ACL is kept; the cache is emptied when it grows past this.</summary>
    public const int MaxCachedRooms = 10_000;

    private readonly ConcurrentDictionary<string, CachedAcl> _cache = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="serverName"/> may take part in the room now; true when the room has no ACL (or is unknown here).</summary>
    public async Task<bool> IsAllowedAsync(string roomId, string serverName, CancellationToken cancellationToken) =>
        ServerAcl.Allows(await GetAsync(roomId, cancellationToken).ConfigureAwait(false), serverName);

    /// <summary>Throws 403 <c>M_FORBIDDEN</c> when the room's ACL denies <paramref name="serverName"/>.</summary>
    public async Task RequireAllowedAsync(string roomId, string serverName, CancellationToken cancellationToken)
    {
        if (!await IsAllowedAsync(roomId, serverName, cancellationToken).ConfigureAwait(false))
            throw Http.MatrixException.Forbidden($"The server ACL of {roomId} denies {serverName}.");
    }

    /// <summary>The room's current ACL, or null when its state has none.</summary>
    public async Task<ServerAcl?> GetAsync(string roomId, CancellationToken cancellationToken)
    {
        var eventId = await store.GetCurrentStateEventIdAsync(roomId, EventType, "", cancellationToken).ConfigureAwait(false);
        if (eventId is null)
        {
            _cache.TryRemove(roomId, out _);
            return null;
        }
        if (_cache.TryGetValue(roomId, out var cached) && cached.EventId == eventId) return cached.Acl;

        var record = await store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false);
        // The current state names only stored events; a missing row would be a broken store, where denying is the safe answer.
        var content = record is null ? null : (JsonNode.Parse(record.Json) as JsonObject)?["content"];
        var acl = ServerAcl.FromContent(content);
        if (_cache.Count >= MaxCachedRooms) _cache.Clear();
        _cache[roomId] = new CachedAcl(eventId, acl);
        return acl;
    }

    private sealed record CachedAcl(string EventId, ServerAcl Acl);
}
