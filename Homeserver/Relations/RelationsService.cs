using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Rooms;
using Homeserver.Storage.Events;
using Homeserver.Sync;

namespace Homeserver.Relations;

/// <summary>
/// <c>GET /v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]</c> and <c>GET /v1/rooms/{roomId}/threads</c>:
/// children of an event and thread roots, paginated by stream position (<c>t{N}</c> tokens, like <c>/messages</c>),
/// each event shown only to users who may see it and served with its bundled aggregations.
/// </summary>
public sealed class RelationsService(IRoomEventStore events, IRoomRelationStore relations, RoomStateReader reader,
    HistoryVisibility visibility, ClientEventWriter writer)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>How many levels of relationships <c>recurse=true</c> follows (the spec asks for at least 3).</summary>
    public const int RecursionDepth = 3;

    /// <summary>Most events gathered as intermediate parents when recursing.</summary>
    private const int MaxRecursionParents = 1000;

    public sealed record RelationsQuery(string? RelationType, string? EventType, string? From, string? To, bool Backwards, int Limit, bool? Recurse);

    public async Task<JsonObject> GetRelationsAsync(RequestUser user, string roomId, string parentId, RelationsQuery query,
        CancellationToken cancellationToken)
    {
        // The parent must exist in the room and be visible to the user; otherwise 404, not revealing which.
        var parent = await events.GetEventAsync(parentId, cancellationToken);
        if (parent is null || parent.RoomId != roomId || !await visibility.CanSeeAsync(user.UserId, parent, cancellationToken))
            throw MatrixException.NotFound("Event not found.");

        var max = await events.GetMaxStreamOrderingAsync(cancellationToken);
        var from = query.From is null ? (query.Backwards ? max : 0) : Math.Min(PaginationToken.Parse(query.From, "from"), max);
        var to = query.To is null ? (query.Backwards ? 0 : max) : Math.Min(PaginationToken.Parse(query.To, "to"), max);
        var (after, upTo) = query.Backwards ? (to, from) : (from, to);

        var parents = query.Recurse == true ? await DescendantParentsAsync(roomId, parentId, query, max, cancellationToken) : [parentId];
        var children = await relations.GetChildrenAsync(roomId, parents, query.RelationType, query.EventType, after, upTo, query.Backwards,
            query.Limit + 1, cancellationToken);
        var hasMore = children.Count > query.Limit;
        var page = children.Take(query.Limit).ToList();
        var visible = new List<EventRecord>(page.Count);
        foreach (var child in page)
            if (await visibility.CanSeeAsync(user.UserId, child, cancellationToken))
                visible.Add(child);

        var response = new JsonObject
        {
            ["chunk"] = await writer.FormatAsync(roomId, visible, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken,
                bundleAggregations: true),
        };
        if (hasMore)
        {
            var last = page[^1].StreamOrdering!.Value;
            response["next_batch"] = PaginationToken.Format(query.Backwards ? last - 1 : last);
        }
        if (query.From is not null)
            response["prev_batch"] = query.From;
        if (query.Recurse is not null)
            response["recursion_depth"] = query.Recurse == true ? RecursionDepth : 1;
        return response;
    }

    /// <summary>
    /// The root and the events under it, down to one level above <see cref="RecursionDepth"/>, that pass the
    /// filters: their children are the answer (the spec: no path through a non-matching event).
    /// </summary>
    private async Task<List<string>> DescendantParentsAsync(string roomId, string rootId, RelationsQuery query, long max,
        CancellationToken cancellationToken)
    {
        var parents = new List<string> { rootId };
        var seen = new HashSet<string>(parents, StringComparer.Ordinal);
        List<string> frontier = [rootId];
        for (var depth = 1; depth < RecursionDepth && frontier.Count > 0 && parents.Count < MaxRecursionParents; depth++)
        {
            var children = await relations.GetChildrenAsync(roomId, frontier, query.RelationType, query.EventType, 0, max, backwards: false,
                MaxRecursionParents - parents.Count, cancellationToken);
            frontier = [.. children.Select(c => c.EventId).Where(seen.Add)];
            parents.AddRange(frontier);
        }
        return parents;
    }

    public async Task<JsonObject> GetThreadsAsync(RequestUser user, string roomId, bool participatedOnly, string? from, int limit,
        CancellationToken cancellationToken)
    {
        await reader.RequireRoomAsync(roomId, cancellationToken);
        if (await reader.GetMembershipAsync(roomId, user.UserId, cancellationToken) is null && !await visibility.IsWorldReadableNowAsync(roomId, cancellationToken))
            throw MatrixException.Forbidden("You cannot view this room.");

        var max = await events.GetMaxStreamOrderingAsync(cancellationToken);
        var upTo = from is null ? max : Math.Min(PaginationToken.Parse(from, "from"), max);
        var threads = await relations.GetThreadsAsync(roomId, participatedOnly ? user.UserId : null, upTo, limit + 1, cancellationToken);
        var hasMore = threads.Count > limit;
        var page = threads.Take(limit).ToList();
        var roots = (await events.GetEventsAsync([.. page.Select(t => t.RootEventId)], cancellationToken))
            .ToDictionary(r => r.EventId, StringComparer.Ordinal);
        var visible = new List<EventRecord>(page.Count);
        foreach (var thread in page)
            if (roots.TryGetValue(thread.RootEventId, out var root) && root.RoomId == roomId && await visibility.CanSeeAsync(user.UserId, root, cancellationToken))
                visible.Add(root);

        var response = new JsonObject
        {
            ["chunk"] = await writer.FormatAsync(roomId, visible, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken,
                bundleAggregations: true),
        };
        if (hasMore)
            response["next_batch"] = PaginationToken.Format(page[^1].LatestStreamOrdering - 1);
        return response;
    }
}
