using System.Text.Json.Nodes;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>
/// The current state a room's summary is built from: the few state types the summaries show, and the room's
/// <c>m.space.child</c> events. Loaded once so the directory, the space hierarchy and the room summary read the same.
/// </summary>
public sealed record RoomSummaryState(RoomRecord Room, RoomVersion? Version, IReadOnlyDictionary<(string Type, string StateKey), EventRecord> State)
{
    public string RoomId => Room.RoomId;

    public JsonObject? Content(string type, string stateKey = "") =>
        State.TryGetValue((type, stateKey), out var ev) ? RoomStateReader.ContentOf(ev) : null;

    public string JoinRule => RoomStateReader.StringField(Content("m.room.join_rules"), "join_rule") ?? "public";

    public bool WorldReadable =>
        RoomStateReader.StringField(Content("m.room.history_visibility"), "history_visibility") == HistoryVisibility.WorldReadable;

    public string? RoomType => RoomStateReader.StringField(Content("m.room.create"), "type");

    /// <summary>The rooms whose members may join a restricted room: the <c>m.room_membership</c> entries of its join rules.</summary>
    public IReadOnlyList<string> AllowedRoomIds
    {
        get
        {
            if (JoinRule is not ("restricted" or "knock_restricted") || Content("m.room.join_rules")?["allow"] is not JsonArray allow)
                return [];
            return [.. allow.OfType<JsonObject>()
                .Where(entry => RoomStateReader.StringField(entry, "type") == "m.room_membership")
                .Select(entry => RoomStateReader.StringField(entry, "room_id"))
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>The <c>m.space.child</c> events of the room (when loaded with them).</summary>
    public IEnumerable<EventRecord> SpaceChildEvents =>
        State.Where(pair => pair.Key.Type == RoomSummaryBuilder.SpaceChild).Select(pair => pair.Value);
}

/// <summary>
/// Builds room summaries from current state: the <c>PublicRoomsChunk</c> of the room directory, and the fuller
/// <c>RoomSummary</c> (join rule details, encryption, room version) of the space hierarchy and <c>/room_summary</c>.
/// </summary>
public sealed class RoomSummaryBuilder(RoomStateReader reader)
{
    public const string SpaceChild = "m.space.child";

    // Only these are read: loading every member event of a large room just to name it would be wasteful.
    private static readonly HashSet<string> SummaryTypes = new(StringComparer.Ordinal)
    {
        "m.room.create", "m.room.name", "m.room.topic", "m.room.avatar", "m.room.canonical_alias", "m.room.join_rules",
        "m.room.history_visibility", "m.room.guest_access", "m.room.encryption",
    };

    /// <summary>
    /// The room's summary state, or null for a room this server does not hold; its <c>m.space.child</c> events only
    /// when asked, as the directory does not show them.
    /// </summary>
    public async Task<RoomSummaryState?> LoadAsync(string roomId, bool withSpaceChildren, CancellationToken cancellationToken)
    {
        var room = await reader.Store.GetRoomAsync(roomId, cancellationToken);
        if (room is null)
            return null;
        var current = await reader.Store.GetCurrentStateAsync(roomId, cancellationToken);
        var wanted = new StateMap(current.Where(pair => SummaryTypes.Contains(pair.Key.Type) || (withSpaceChildren && pair.Key.Type == SpaceChild)));
        var state = await reader.LoadAsync(wanted, cancellationToken);
        return new RoomSummaryState(room, RoomVersionRegistry.Find(room.RoomVersion), state);
    }

    /// <summary>The room directory's entry (<c>PublicRoomsChunk</c>).</summary>
    public static JsonObject PublicChunk(RoomSummaryState summary, long joinedMembers)
    {
        var entry = new JsonObject
        {
            ["room_id"] = summary.RoomId,
            ["num_joined_members"] = joinedMembers,
            ["world_readable"] = summary.WorldReadable,
            ["guest_can_join"] = RoomStateReader.StringField(summary.Content("m.room.guest_access"), "guest_access") == "can_join",
            ["join_rule"] = summary.JoinRule,
        };
        AddString(entry, "name", RoomStateReader.StringField(summary.Content("m.room.name"), "name"));
        AddString(entry, "topic", RoomStateReader.StringField(summary.Content("m.room.topic"), "topic"));
        AddString(entry, "avatar_url", RoomStateReader.StringField(summary.Content("m.room.avatar"), "url"));
        AddString(entry, "canonical_alias", RoomStateReader.StringField(summary.Content("m.room.canonical_alias"), "alias"));
        AddString(entry, "room_type", summary.RoomType);
        return entry;
    }

    /// <summary>The <c>RoomSummary</c>: the directory entry plus allowed rooms, encryption and room version.</summary>
    public static JsonObject Summary(RoomSummaryState summary, long joinedMembers)
    {
        var entry = PublicChunk(summary, joinedMembers);
        if (summary.AllowedRoomIds is { Count: > 0 } allowed)
            entry["allowed_room_ids"] = new JsonArray([.. allowed.Select(id => JsonValue.Create(id))]);
        AddString(entry, "encryption", RoomStateReader.StringField(summary.Content("m.room.encryption"), "algorithm"));
        entry["room_version"] = summary.Room.RoomVersion;
        return entry;
    }

    private static void AddString(JsonObject entry, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value)) entry[key] = value;
    }
}
