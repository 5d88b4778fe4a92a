using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.Spaces;

/// <summary>
/// <c>GET /rooms/{roomId}/hierarchy</c>: a depth-first walk of <c>m.space.child</c> events (those with a non-empty
/// <c>via</c>) from a space, in the spec's child order, returning every room the user may see (see
/// <see cref="RoomSummaries"/>). Rooms the user may not see are neither returned nor expanded; rooms this server does
/// not hold are skipped (finding them needs federation). Each room is visited once, so loops end, and one walk
/// examines at most <see cref="MaxRoomsExamined"/> rooms.
/// </summary>
public sealed class SpaceHierarchy(RoomSummaries summaries)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
    public const int MaxDepth = 50;
    public const int MaxRoomsExamined = 1000;
    private const string SpaceRoomType = "m.space";

    /// <summary>One request: the root, <c>suggested_only</c>, <c>max_depth</c> and <c>limit</c> as asked (null = not given), <c>from</c>.</summary>
    public sealed record Query(string RootId, bool SuggestedOnly, int? MaxDepth, int? Limit, string? From);

    public async Task<JsonObject> GetAsync(string userId, Query query, CancellationToken cancellationToken)
    {
        var limit = Math.Min(query.Limit ?? DefaultLimit, MaxLimit);
        var maxDepth = Math.Min(query.MaxDepth ?? MaxDepth, MaxDepth);
        var skip = 0;
        if (query.From is not null)
        {
            var token = HierarchyToken.TryParse(query.From) ?? throw MatrixException.InvalidParam("'from' is not a valid pagination token.");
            if (token.RootId != query.RootId || token.SuggestedOnly != query.SuggestedOnly || token.MaxDepth != query.MaxDepth)
                throw MatrixException.InvalidParam("This token belongs to another walk: the room, suggested_only and max_depth cannot change while paginating.");
            skip = token.Returned;
        }

        var root = await summaries.LoadAsync(query.RootId, cancellationToken);
        if (root is null || !await summaries.MaySeeAsync(userId, root, cancellationToken))
            throw MatrixException.Forbidden("You are not allowed to view this room.");

        var rooms = new JsonArray();
        var more = false;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string RoomId, int Depth)>();
        pending.Push((query.RootId, 0));
        var seen = 0;
        while (pending.Count > 0 && visited.Count < MaxRoomsExamined)
        {
            var (roomId, depth) = pending.Pop();
            if (!visited.Add(roomId))
                continue;
            var summary = depth == 0 ? root : await summaries.LoadAsync(roomId, cancellationToken);
            if (summary is null || (depth > 0 && !await summaries.MaySeeAsync(userId, summary, cancellationToken)))
                continue;
            var children = summary.RoomType == SpaceRoomType ? OrderedChildren(summary) : [];
            if (seen >= skip)
            {
                if (rooms.Count == limit)
                {
                    more = true;
                    break;
                }
                var entry = await summaries.SummaryAsync(summary, cancellationToken);
                entry["children_state"] = new JsonArray([.. children.Select(child => StrippedChild(child.Event))]);
                rooms.Add(entry);
            }
            seen++;
            if (depth >= maxDepth)
                continue;
            // Pushed last-first so the first child is walked next.
            for (var i = children.Count - 1; i >= 0; i--)
                if ((!query.SuggestedOnly || children[i].Suggested) && !visited.Contains(children[i].RoomId))
                    pending.Push((children[i].RoomId, depth + 1));
        }

        var response = new JsonObject { ["rooms"] = rooms };
        if (more)
            response["next_batch"] = new HierarchyToken(query.RootId, query.SuggestedOnly, query.MaxDepth, skip + rooms.Count).ToString();
        return response;
    }

    private sealed record Child(string RoomId, EventRecord Event, bool Suggested, string? Order);

    /// <summary>
    /// The space's valid children in the spec's order: those with a valid <c>order</c> first, by order; then the rest;
    /// ties by the event's <c>origin_server_ts</c>, then room ID.
    /// </summary>
    private static List<Child> OrderedChildren(RoomSummaryState space)
    {
        var children = new List<Child>();
        foreach (var ev in space.SpaceChildEvents)
        {
            var content = RoomStateReader.ContentOf(ev);
            if (ev.StateKey is not { } childId || !RoomId.IsValid(childId) || content["via"] is not JsonArray { Count: > 0 })
                continue;
            var suggested = content["suggested"] is JsonValue s && s.TryGetValue<bool>(out var flag) && flag;
            var order = RoomStateReader.StringField(content, "order");
            children.Add(new Child(childId, ev, suggested, IsValidOrder(order) ? order : null));
        }
        return [.. children
            .OrderBy(c => c.Order is null)
            .ThenBy(c => c.Order, StringComparer.Ordinal)
            .ThenBy(c => c.Event.OriginServerTs)
            .ThenBy(c => c.RoomId, StringComparer.Ordinal)];
    }

    /// <summary>A valid <c>order</c>: at most 50 printable ASCII characters (<c>\x20</c> to <c>\x7E</c>).</summary>
    private static bool IsValidOrder(string? order) =>
        order is { Length: <= 50 } && order.All(c => c is >= '\x20' and <= '\x7E');

    private static JsonObject StrippedChild(EventRecord ev) => new()
    {
        ["type"] = ev.Type,
        ["state_key"] = ev.StateKey,
        ["content"] = RoomStateReader.ContentOf(ev).DeepClone(), // ContentOf gives a node inside the parsed event
        ["sender"] = ev.Sender,
        ["origin_server_ts"] = ev.OriginServerTs,
    };
}
