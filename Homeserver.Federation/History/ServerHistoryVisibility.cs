using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.History;

/// <summary>
/// Whether another server may see a room's history, by the room's <c>m.room.history_visibility</c>
/// read at each event: <c>world_readable</c> always; <c>shared</c> when the server has a member
/// joined or invited at the event or now; <c>invited</c> when one is invited or joined at the event;
/// <c>joined</c> when one is joined at the event. A server always sees its own users' membership events.
/// </summary>
public sealed class ServerHistoryVisibility(IRoomEventStore store, RoomServers roomServers, StoredPduLoader loader)
{
    private const string HistoryVisibilityType = "m.room.history_visibility";
    private const string MemberType = "m.room.member";

    /// <summary>A room known here and its version; 404 otherwise.</summary>
    public async Task<RoomVersion> RoomVersionAsync(string roomId, CancellationToken cancellationToken)
    {
        var room = await store.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false) ?? throw MatrixException.NotFound("Unknown room.");
        return RoomVersionRegistry.Find(room.RoomVersion) ?? throw MatrixException.NotFound("The room's version is not supported here.");
    }

    /// <summary>
    /// A request about the room as a whole (backfill, missing events, timestamps): the server must be
    /// in the room now, or the room must be world readable. 404 for an unknown room, 403 otherwise.
    /// </summary>
    public async Task<RoomVersion> EnsureRoomAccessAsync(string server, string roomId, CancellationToken cancellationToken)
    {
        var version = await RoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (await roomServers.IsInRoomAsync(roomId, server, cancellationToken).ConfigureAwait(false))
            return version;
        var current = await store.GetCurrentStateAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (await VisibilityAsync(current, version, cancellationToken).ConfigureAwait(false) == "world_readable")
            return version;
        throw MatrixException.Forbidden($"{server} is not in room {roomId}.");
    }

    /// <summary>
    /// A request about one event: the event must be a stored, not rejected event of the room (else
    /// 404), and the server in the room now or allowed to see the event (else 403).
    /// </summary>
    public async Task<EventRecord> EnsureEventAccessAsync(string server, RoomVersion version, string roomId, string eventId,
        CancellationToken cancellationToken)
    {
        var record = await store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (record is null || record.RoomId != roomId || record.IsRejected)
            throw MatrixException.NotFound("Unknown event.");
        if (!await roomServers.IsInRoomAsync(roomId, server, cancellationToken).ConfigureAwait(false)
            && !await CanSeeAsync(server, version, record.RoomId, record.EventId, record.Type, record.StateKey, cancellationToken).ConfigureAwait(false))
            throw MatrixException.Forbidden($"{server} may not see event {eventId}.");
        return record;
    }

    /// <summary>Whether the server may see the event by the history visibility at it.</summary>
    public async Task<bool> CanSeeAsync(string server, RoomVersion version, string roomId, string eventId, string type, string? stateKey,
        CancellationToken cancellationToken)
    {
        if (type == MemberType && stateKey is { } member && RoomServers.ServerOf(member) == server)
            return true;
        // Outliers have no state of their own here: the current state stands in.
        var atEvent = await store.GetStateBeforeAsync(eventId, cancellationToken).ConfigureAwait(false)
            ?? await store.GetCurrentStateAsync(roomId, cancellationToken).ConfigureAwait(false);
        var visibility = await VisibilityAsync(atEvent, version, cancellationToken).ConfigureAwait(false);
        if (visibility == "world_readable")
            return true;
        var memberships = await MembershipsOfServerAsync(atEvent, server, version, cancellationToken).ConfigureAwait(false);
        if (visibility == "joined")
            return memberships.Contains("join");
        if (memberships.Contains("join") || memberships.Contains("invite"))
            return true;
        if (visibility == "invited")
            return false;
        // shared, and values this server does not know (treated as shared): a member now sees the past too.
        var current = await store.GetCurrentStateAsync(roomId, cancellationToken).ConfigureAwait(false);
        var now = await MembershipsOfServerAsync(current, server, version, cancellationToken).ConfigureAwait(false);
        return now.Contains("join") || now.Contains("invite");
    }

    private async Task<string> VisibilityAsync(StateMap state, RoomVersion version, CancellationToken cancellationToken)
    {
        if (!state.TryGetValue((HistoryVisibilityType, ""), out var id)
            || (await loader.LoadAsync([id], version, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(id) is not { } stored
            || stored.Pdu.Content["history_visibility"] is not JsonValue value || !value.TryGetValue(out string? visibility))
            return "shared";
        return visibility;
    }

    /// <summary>The memberships (join, invite, leave ...) the server's users have in the state (read through the event cache).</summary>
    private async Task<HashSet<string>> MembershipsOfServerAsync(StateMap state, string server, RoomVersion version, CancellationToken cancellationToken)
    {
        var ids = state.Where(entry => entry.Key.Type == MemberType && RoomServers.ServerOf(entry.Key.StateKey) == server)
            .Select(entry => entry.Value).ToList();
        var memberships = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0)
            return memberships;
        foreach (var stored in (await loader.LoadAsync(ids, version, cancellationToken).ConfigureAwait(false)).Values)
            if (stored.Pdu.Content["membership"] is JsonValue value && value.TryGetValue(out string? membership))
                memberships.Add(membership);
        return memberships;
    }
}
