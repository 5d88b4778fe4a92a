using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Identifiers;

namespace Homeserver.FederationQueries;

/// <summary>
/// Another server's published room directory (<c>GET</c>/<c>POST /_matrix/federation/v1/publicRooms</c>), for a
/// client's <c>/publicRooms?server=</c>. The answer is untrusted and passed on only in shape: entries that are
/// objects with a valid <c>room_id</c> (at most <see cref="MaxEntries"/>), string tokens and an integer estimate.
/// </summary>
public sealed class RemotePublicRooms(RemoteQueryClient client)
{
    public const int MaxEntries = 500;
    private const string Path = "/_matrix/federation/v1/publicRooms";

    /// <summary>The GET form: limit and since in the query string.</summary>
    public async Task<JsonObject> ListAsync(string server, int? limit, string? since, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (limit is { } l) query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        if (since is not null) query.Add("since=" + Uri.EscapeDataString(since));
        var answer = await client.GetAsync(server, query.Count == 0 ? Path : Path + "?" + string.Join('&', query), NotFound(server),
            cancellationToken);
        return Sanitize(answer);
    }

    /// <summary>The POST form: the client's body (limit, since, filter, networks) forwarded as it was validated.</summary>
    public async Task<JsonObject> SearchAsync(string server, JsonObject body, CancellationToken cancellationToken) =>
        Sanitize(await client.PostAsync(server, Path, body, NotFound(server), cancellationToken));

    private static string NotFound(string server) => $"{server} has no public room directory.";

    private static JsonObject Sanitize(JsonObject answer)
    {
        var chunk = new JsonArray();
        if (answer["chunk"] is JsonArray entries)
            foreach (var entry in entries)
                if (chunk.Count < MaxEntries && entry is JsonObject room && room["room_id"] is JsonValue id
                    && id.GetValueKind() == JsonValueKind.String && RoomId.IsValid(id.GetValue<string>()))
                    chunk.Add(room.DeepClone());
        var result = new JsonObject { ["chunk"] = chunk };
        foreach (var token in (string[])["next_batch", "prev_batch"])
            if (answer[token] is JsonValue t && t.GetValueKind() == JsonValueKind.String)
                result[token] = t.GetValue<string>();
        if (answer["total_room_count_estimate"] is JsonValue estimate && estimate.TryGetValue<long>(out var count) && count >= 0)
            result["total_room_count_estimate"] = count;
        return result;
    }
}
