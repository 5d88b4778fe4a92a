using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Membership;

/// <summary>
/// The state events that describe a room to someone outside it (invite_room_state, knock_room_state):
/// the spec's recommended stripped-state types, as full events of the room version (spec v1.16+), and
/// the client's stripped form of them.
/// </summary>
public static class RoomStrippedState
{
    /// <summary>The types servers send (each with state key "").</summary>
    public static readonly IReadOnlyList<string> Types =
        [AuthStateKeys.CreateType, "m.room.name", "m.room.avatar", "m.room.topic", AuthStateKeys.JoinRulesType, "m.room.canonical_alias",
            "m.room.encryption"];

    /// <summary>The events of <see cref="Types"/> in the room's current state, plus the member event of <paramref name="memberUserId"/>.</summary>
    public static async Task<JsonArray> FromCurrentStateAsync(IRoomEventStore store, string roomId, string? memberUserId,
        CancellationToken cancellationToken)
    {
        var state = await store.GetCurrentStateAsync(roomId, cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        foreach (var type in Types)
            if (state.TryGetValue((type, ""), out var id)) ids.Add(id);
        if (memberUserId is not null && state.TryGetValue((AuthStateKeys.MemberType, memberUserId), out var memberId)) ids.Add(memberId);
        var events = await store.GetEventsAsync(ids, cancellationToken).ConfigureAwait(false);
        return FederationEventJson.ArrayOf(events.OrderBy(e => ids.IndexOf(e.EventId)));
    }

    /// <summary>The client's stripped form of an event: type, state_key, content and sender only.</summary>
    public static JsonObject Strip(JsonObject ev) => new()
    {
        ["type"] = ev["type"]?.DeepClone(),
        ["state_key"] = ev["state_key"]?.DeepClone(),
        ["content"] = ev["content"]?.DeepClone() ?? new JsonObject(),
        ["sender"] = ev["sender"]?.DeepClone(),
    };
}
