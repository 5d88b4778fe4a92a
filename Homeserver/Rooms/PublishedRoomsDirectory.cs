using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.AdminApi;
using Homeserver.Federation.Http;
using Homeserver.Storage.PublishedRooms;

namespace Homeserver.Rooms;

/// <summary>
/// The published room directory: which rooms are listed (<c>/directory/list/room</c>) and the listing itself
/// (<c>/publicRooms</c>), each entry built from the room's current state, ordered by joined members (most first)
/// then room id, filtered by a search term and room types, paginated with offset tokens. A room is listed only
/// while it is published; who may publish is whoever may change how the room is found (the power to send
/// <c>m.room.canonical_alias</c>) and server admins.
/// </summary>
public sealed class PublishedRoomsDirectory(IPublishedRoomStore published, RoomStateReader reader, RoomDirectory aliases,
    ServerAdmins admins, RoomSummaryBuilder summaries, TimeProvider time)
{
    public const int MaxLimit = 500;

    /// <summary>What one <c>/publicRooms</c> request asks: limit, since token, search term, room types (null entry = no type).</summary>
    public sealed record Query(int? Limit, string? Since, string? SearchTerm, IReadOnlyList<string?>? RoomTypes);

    public async Task<string> GetVisibilityAsync(string roomId, CancellationToken cancellationToken)
    {
        await reader.RequireRoomAsync(roomId, cancellationToken);
        return await published.IsPublishedAsync(roomId, cancellationToken) ? "public" : "private";
    }

    public async Task SetVisibilityAsync(string userId, string roomId, string visibility, CancellationToken cancellationToken)
    {
        await reader.RequireRoomAsync(roomId, cancellationToken);
        var allowed = await admins.IsAdminAsync(userId, cancellationToken)
            || (await reader.GetMembershipAsync(roomId, userId, cancellationToken) == "join"
                && await aliases.MayChangeCanonicalAliasAsync(userId, roomId, cancellationToken));
        if (!allowed)
            throw MatrixException.Forbidden("You may not change whether this room is published.");
        await PublishAsync(roomId, visibility == "public", cancellationToken);
    }

    /// <summary>Publishes or unpublishes without checks (room creation with <c>visibility: public</c>).</summary>
    public Task PublishAsync(string roomId, bool publish, CancellationToken cancellationToken) => publish
        ? published.PublishAsync(roomId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken)
        : published.UnpublishAsync(roomId, cancellationToken);

    public async Task<JsonObject> ListAsync(Query query, CancellationToken cancellationToken)
    {
        var offset = query.Since is null ? 0 : ParseToken(query.Since);
        var limit = Math.Min(query.Limit ?? MaxLimit, MaxLimit);
        var counts = await published.GetPublishedJoinedMemberCountsAsync(cancellationToken);
        var entries = new List<JsonObject>();
        foreach (var roomId in await published.ListAsync(cancellationToken))
        {
            var entry = await EntryAsync(roomId, counts.GetValueOrDefault(roomId), cancellationToken);
            if (entry is not null && Matches(entry, query))
                entries.Add(entry);
        }
        var ordered = entries.OrderByDescending(e => (long)e["num_joined_members"]!).ThenBy(e => (string)e["room_id"]!, StringComparer.Ordinal).ToList();
        var page = ordered.Skip(offset).Take(limit).ToList();
        var response = new JsonObject
        {
            ["chunk"] = new JsonArray([.. page]),
            ["total_room_count_estimate"] = ordered.Count,
        };
        if (offset + page.Count < ordered.Count)
            response["next_batch"] = Token(offset + page.Count);
        if (offset > 0)
            response["prev_batch"] = Token(Math.Max(0, offset - limit));
        return response;
    }

    /// <summary>A room's directory entry from its current state; null for a room this server no longer holds.</summary>
    private async Task<JsonObject?> EntryAsync(string roomId, long joinedMembers, CancellationToken cancellationToken) =>
        await summaries.LoadAsync(roomId, withSpaceChildren: false, cancellationToken) is { } summary ? RoomSummaryBuilder.PublicChunk(summary, joinedMembers) : null;

    private static bool Matches(JsonObject entry, Query query)
    {
        if (query.RoomTypes is { } types && !types.Contains((string?)entry["room_type"]))
            return false;
        if (string.IsNullOrWhiteSpace(query.SearchTerm))
            return true;
        var term = query.SearchTerm.Trim();
        return new[] { "name", "topic", "canonical_alias", "room_id" }
            .Any(key => ((string?)entry[key])?.Contains(term, StringComparison.OrdinalIgnoreCase) == true);
    }

    private static string Token(int offset) => "p" + offset.ToString(CultureInfo.InvariantCulture);

    private static int ParseToken(string token) =>
        token.StartsWith('p') && int.TryParse(token.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw MatrixException.InvalidParam("'since' is not a valid pagination token.");
}
