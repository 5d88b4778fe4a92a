using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// The room's creators as the room version defines them: <c>content.creator</c> of the create
/// event (v1–v10), its sender (v11), or its sender plus <c>content.additional_creators</c> (v12,
/// where creators also have infinite power).
/// </summary>
public sealed class RoomCreators
{
    private static readonly ConditionalWeakTable<Pdu, RoomCreators> Cache = new();

    /// <summary>No create event known: nobody is a creator.</summary>
    public static readonly RoomCreators None = new([], false);

    private RoomCreators(IReadOnlyList<string> userIds, bool haveInfinitePower)
    {
        UserIds = userIds;
        HaveInfinitePower = haveInfinitePower;
    }

    /// <summary>The creators, the primary one (create event sender or <c>creator</c>) first.</summary>
    public IReadOnlyList<string> UserIds { get; }
    public bool HaveInfinitePower { get; }

    public bool Contains(string userId)
    {
        foreach (var id in UserIds)
            if (id == userId) return true;
        return false;
    }

    /// <summary>The creators named by a create event (computed once per event).</summary>
    public static RoomCreators Of(Pdu createEvent) => Cache.GetValue(createEvent, Read);

    private static RoomCreators Read(Pdu create)
    {
        var rules = create.RoomVersion.Rules;
        if (!rules.CreatorIsCreateEventSender)
            return create.Content["creator"] is JsonValue v && v.TryGetValue(out string? creator)
                ? new RoomCreators([creator], false)
                : None;
        if (!rules.CreatorsHaveInfinitePower)
            return new RoomCreators([create.Sender], false);

        var ids = new List<string> { create.Sender };
        // An invalid additional_creators rejects the create event (rule 1.4); read only what is valid.
        if (create.Content["additional_creators"] is JsonArray extra)
            foreach (var item in extra)
                if (item is JsonValue s && s.TryGetValue(out string? id) && UserIdSyntax.IsValid(id) && !ids.Contains(id))
                    ids.Add(id);
        return new RoomCreators(ids, true);
    }
}
