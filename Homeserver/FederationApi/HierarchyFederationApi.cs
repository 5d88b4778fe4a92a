using System.Text.Json.Nodes;
using Homeserver.ClientApi;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Rooms;
using Homeserver.Spaces;
using Homeserver.Storage.Events;

namespace Homeserver.FederationApi;

/// <summary>
/// <c>GET /_matrix/federation/v1/hierarchy/{roomId}</c>: a space and its direct children as this server sees them, for
/// another server walking a space for its user. The origin may see a room that is world-readable, that anyone may join
/// or knock on, or that it already has a member in; the room's server ACL must allow it (403 otherwise). A root the
/// origin may not see is 404, as is an unknown one; children it may not see are listed in <c>inaccessible_children</c>,
/// children this server does not hold are left out. The origin walks further levels itself.
/// </summary>
public static class HierarchyFederationApi
{
    /// <summary>Children examined at most for one request.</summary>
    public const int MaxChildren = SpaceHierarchy.MaxRoomsExamined;

    public static IEndpointRouteBuilder MapHierarchyFederationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_matrix/federation/v1/hierarchy/{roomId}", Hierarchy).RequireFederationAuth();
        return routes;
    }

    private static async Task<JsonObject> Hierarchy(string roomId, FederationRequest federation, RoomSummaries summaries, RoomServers servers,
        RoomServerAcl acl, HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var suggestedOnly = SyncApi.Single(request.Query, "suggested_only") switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw MatrixException.InvalidParam("'suggested_only' must be true or false."),
        };
        if (!RoomId.IsValid(roomId)) throw MatrixException.InvalidParam($"'{roomId}' is not a valid room ID.");
        var root = await summaries.LoadAsync(roomId, cancellationToken) ?? throw MatrixException.NotFound("Room not found.");
        await acl.RequireAllowedAsync(roomId, federation.Origin, cancellationToken);
        if (!await MaySeeAsync(root, federation.Origin, summaries, servers, cancellationToken))
            throw MatrixException.NotFound("Room not found.");

        var children = new JsonArray();
        var inaccessible = new JsonArray();
        var childEvents = ValidChildren(root, suggestedOnly);
        foreach (var childId in childEvents.Select(ev => ev.StateKey!).Distinct(StringComparer.Ordinal).Take(MaxChildren))
        {
            var child = await summaries.LoadAsync(childId, cancellationToken);
            if (child is null) continue;
            if (await acl.IsAllowedAsync(childId, federation.Origin, cancellationToken)
                && await MaySeeAsync(child, federation.Origin, summaries, servers, cancellationToken))
                children.Add(await EntryAsync(child, summaries, cancellationToken));
            else
                inaccessible.Add(childId);
        }
        return new JsonObject
        {
            ["room"] = await EntryAsync(root, summaries, cancellationToken),
            ["children"] = children,
            ["inaccessible_children"] = inaccessible,
        };
    }

    private static async Task<bool> MaySeeAsync(RoomSummaryState summary, string origin, RoomSummaries summaries, RoomServers servers,
        CancellationToken cancellationToken) =>
        await summaries.MaySeeAsync(null, summary, cancellationToken) || await servers.IsInRoomAsync(summary.RoomId, origin, cancellationToken);

    /// <summary>The room's summary with its children as stripped state (empty for a room that is not a space).</summary>
    private static async Task<JsonObject> EntryAsync(RoomSummaryState summary, RoomSummaries summaries, CancellationToken cancellationToken)
    {
        var entry = await summaries.SummaryAsync(summary, cancellationToken);
        entry["children_state"] = new JsonArray([.. ValidChildren(summary, suggestedOnly: false).Select(Stripped)]);
        return entry;
    }

    /// <summary>The <c>m.space.child</c> events of a space that name a valid room with a non-empty <c>via</c>, by room id.</summary>
    private static List<EventRecord> ValidChildren(RoomSummaryState summary, bool suggestedOnly)
    {
        if (summary.RoomType != "m.space") return [];
        return [.. summary.SpaceChildEvents
            .Where(ev => ev.StateKey is { } id && RoomId.IsValid(id)
                && RoomStateReader.ContentOf(ev)["via"] is JsonArray { Count: > 0 }
                && (!suggestedOnly || RoomStateReader.ContentOf(ev)["suggested"] is JsonValue s && s.TryGetValue<bool>(out var flag) && flag))
            .OrderBy(ev => ev.StateKey, StringComparer.Ordinal)];
    }

    private static JsonObject Stripped(EventRecord ev) => new()
    {
        ["type"] = ev.Type,
        ["state_key"] = ev.StateKey,
        ["content"] = RoomStateReader.ContentOf(ev).DeepClone(),
        ["sender"] = ev.Sender,
        ["origin_server_ts"] = ev.OriginServerTs,
    };
}
