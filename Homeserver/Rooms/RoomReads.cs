using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>
/// The read side of the room endpoints, with history visibility applied: single events (redacted when
/// a redaction applies), the state a user may see, and member lists.
/// </summary>
public sealed class RoomReads(RoomStateReader reader, HistoryVisibility visibility, RedactionFinder redactions, IRoomTimelineStore timeline,
    TimeProvider time)
{
    /// <summary>
    /// An event the user may see, in client format: 403 for users who never were in a room that is not world
    /// readable, else 404 when unknown or not visible to them (not revealing which).
    /// </summary>
    public async Task<JsonObject> GetEventAsync(string userId, string roomId, string eventId, CancellationToken cancellationToken)
    {
        var (_, version) = await reader.RequireRoomAsync(roomId, cancellationToken);
        if (await reader.GetMembershipAsync(roomId, userId, cancellationToken) is null && !await visibility.IsWorldReadableNowAsync(roomId, cancellationToken))
            throw MatrixException.Forbidden("You are not a member of this room.");
        var ev = await reader.Store.GetEventAsync(eventId, cancellationToken);
        if (ev is null || ev.RoomId != roomId || !await visibility.CanSeeAsync(userId, ev, cancellationToken))
            throw MatrixException.NotFound("Event not found.");
        return await FormatAsync(ev, version, cancellationToken);
    }

    /// <summary>A stored event in client format, redacted (with <c>redacted_because</c>) if a served redaction names it.</summary>
    public async Task<JsonObject> FormatAsync(EventRecord ev, RoomVersion version, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var applied = await redactions.FindAsync([ev], version, cancellationToken);
        return applied.TryGetValue(ev.EventId, out var redaction)
            ? ClientEventFormat.Format(ev, version, now, redactedBecause: ClientEventFormat.Format(redaction, version, now))
            : ClientEventFormat.Format(ev, version, now);
    }

    /// <summary>
    /// The state the user may see: the current state when joined or the room is world readable, the
    /// state when they left for former members; otherwise 403. With <paramref name="atPosition"/> (a stream
    /// position) the state as of that point instead, never later than a former member's leave.
    /// </summary>
    public async Task<(StateMap State, RoomVersion Version)> GetVisibleStateAsync(string userId, string roomId, CancellationToken cancellationToken,
        long? atPosition = null)
    {
        var (_, version) = await reader.RequireRoomAsync(roomId, cancellationToken);
        var memberEventId = await reader.Store.GetCurrentStateEventIdAsync(roomId, "m.room.member", userId, cancellationToken);
        var memberEvent = memberEventId is null ? null : await reader.Store.GetEventAsync(memberEventId, cancellationToken);
        var membership = memberEvent is null ? null : RoomStateReader.MembershipOf(RoomStateReader.ContentOf(memberEvent));
        if (membership == "join" || await visibility.IsWorldReadableNowAsync(roomId, cancellationToken))
            return (atPosition is { } at ? await StateAtAsync(roomId, at, cancellationToken) : await reader.Store.GetCurrentStateAsync(roomId, cancellationToken),
                version);
        if (membership is "leave" or "ban" && memberEvent is not null
            && await reader.Store.GetStateBeforeAsync(memberEvent.EventId, cancellationToken) is { } before
            && before.TryGetValue(("m.room.member", userId), out var previousId)
            && await reader.Store.GetEventAsync(previousId, cancellationToken) is { } previous
            && RoomStateReader.MembershipOf(RoomStateReader.ContentOf(previous)) == "join")
            return (atPosition < memberEvent.StreamOrdering
                ? await StateAtAsync(roomId, atPosition.Value, cancellationToken)
                : await reader.Store.GetStateAfterAsync(memberEvent.EventId, cancellationToken) ?? [], version);
        throw MatrixException.Forbidden("You are not allowed to see the state of this room.");
    }

    /// <summary>The room's state at a stream position: after its last event at or before it (empty before the room existed).</summary>
    private async Task<StateMap> StateAtAsync(string roomId, long position, CancellationToken cancellationToken) =>
        await timeline.GetStateAtAsync(roomId, position, cancellationToken) ?? [];

    /// <summary>The state events of a map the user may see, in client format.</summary>
    public async Task<List<JsonObject>> FormatStateAsync(StateMap state, RoomVersion version, CancellationToken cancellationToken)
    {
        var events = await reader.LoadAsync(state, cancellationToken);
        var formatted = new List<JsonObject>(events.Count);
        foreach (var ev in events.Values.OrderBy(e => e.StreamOrdering ?? 0))
            formatted.Add(await FormatAsync(ev, version, cancellationToken));
        return formatted;
    }

    /// <summary>
    /// 403 unless the user may redact the event now: their own event, or with the redact power level
    /// (room versions 3+ leave this check to the server, not the auth rules). 404 for unknown or invisible events.
    /// </summary>
    public async Task RequireMayRedactAsync(string userId, string roomId, string eventId, CancellationToken cancellationToken)
    {
        await GetEventAsync(userId, roomId, eventId, cancellationToken);
        var target = (await reader.Store.GetEventAsync(eventId, cancellationToken))!;
        if (target.Sender == userId) return;
        var state = await reader.Store.GetCurrentStateAsync(roomId, cancellationToken);
        if (await PowerLevelOfAsync(state, userId, roomId, cancellationToken) is var (level, required) && level < required)
            throw MatrixException.Forbidden("You need the redact power level to redact other users' events.");
    }

    /// <summary>The user's power level in the given state, and the level redacting needs.</summary>
    private async Task<(long Level, long Redact)> PowerLevelOfAsync(StateMap state, string userId, string roomId, CancellationToken cancellationToken)
    {
        var (_, version) = await reader.RequireRoomAsync(roomId, cancellationToken);
        var create = await LoadPduAsync(state, "m.room.create", version, cancellationToken);
        var power = PowerLevels.Of(await LoadPduAsync(state, "m.room.power_levels", version, cancellationToken));
        var creators = create is null ? RoomCreators.None : RoomCreators.Of(create);
        return (power.UserLevel(userId, creators), power.Redact);
    }

    private async Task<Pdu?> LoadPduAsync(StateMap state, string type, RoomVersion version, CancellationToken cancellationToken) =>
        state.TryGetValue((type, ""), out var id) && await reader.Store.GetEventAsync(id, cancellationToken) is { } ev
            ? Pdu.FromJson(JsonNode.Parse(ev.Json)!.AsObject(), version, ev.EventId)
            : null;
}
