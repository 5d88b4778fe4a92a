using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>A room's state as the client endpoints read it: stored events of a state map, contents, memberships.</summary>
public sealed class RoomStateReader(IRoomEventStore store)
{
    public IRoomEventStore Store => store;

    /// <summary>The room and its version, or 404 <c>M_NOT_FOUND</c>.</summary>
    public async Task<(RoomRecord Room, RoomVersion Version)> RequireRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        var room = await store.GetRoomAsync(roomId, cancellationToken) ?? throw MatrixException.NotFound("Unknown room.");
        var version = RoomVersionRegistry.Find(room.RoomVersion) ?? throw MatrixException.NotFound("The room's version is not supported here.");
        return (room, version);
    }

    /// <summary>The stored events of a state map, keyed like it.</summary>
    public async Task<Dictionary<(string Type, string StateKey), EventRecord>> LoadAsync(StateMap state, CancellationToken cancellationToken)
    {
        var events = await store.GetEventsAsync(state.Values.ToList(), cancellationToken);
        var byId = events.ToDictionary(e => e.EventId, StringComparer.Ordinal);
        var loaded = new Dictionary<(string Type, string StateKey), EventRecord>();
        foreach (var (key, id) in state)
            if (byId.TryGetValue(id, out var ev)) loaded[key] = ev;
        return loaded;
    }

    /// <summary>The content of one current state event, or null.</summary>
    public async Task<JsonObject?> GetCurrentContentAsync(string roomId, string type, string stateKey, CancellationToken cancellationToken)
    {
        var id = await store.GetCurrentStateEventIdAsync(roomId, type, stateKey, cancellationToken);
        if (id is null) return null;
        var ev = await store.GetEventAsync(id, cancellationToken);
        return ev is null ? null : ContentOf(ev);
    }

    /// <summary>The user's current membership (join, invite, leave, ban, knock), or null when they never had one.</summary>
    public async Task<string?> GetMembershipAsync(string roomId, string userId, CancellationToken cancellationToken) =>
        MembershipOf(await GetCurrentContentAsync(roomId, "m.room.member", userId, cancellationToken));

    public static JsonObject ContentOf(EventRecord ev) =>
        JsonNode.Parse(ev.Json)?["content"] as JsonObject ?? new JsonObject();

    public static string? MembershipOf(JsonObject? memberContent) =>
        memberContent?["membership"] is JsonValue v && v.TryGetValue<string>(out var m) ? m : null;

    public static string? StringField(JsonObject? content, string name) =>
        content?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
