using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.UserDirectory;

namespace Homeserver.ClientApi;

/// <summary>
/// <c>POST /user_directory/search</c>: local users by id or display name, among those who share a room with the
/// searcher or are in a published room (see <see cref="IUserDirectoryStore"/>). Remote users come with federation.
/// </summary>
public static class UserDirectoryApi
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;
    public const int MaxTermLength = 256;

    public static IEndpointRouteBuilder MapUserDirectoryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPost("/user_directory/search", Search).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> Search(RequestUser user, IUserDirectoryStore directory, HttpRequest request)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        var term = body["search_term"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Trim(),
            null => throw MatrixException.MissingParam("search_term is required."),
            _ => throw MatrixException.BadJson("search_term must be a string."),
        };
        if (term.Length > MaxTermLength)
            throw MatrixException.InvalidParam($"search_term may have at most {MaxTermLength} characters.");
        var limit = body["limit"] switch
        {
            null => DefaultLimit,
            JsonValue v when v.TryGetValue<long>(out var l) && l >= 0 => (int)Math.Min(l, MaxLimit),
            _ => throw MatrixException.BadJson("limit must be a non-negative integer."),
        };
        var results = limit == 0 || term.Length == 0
            ? []
            : await directory.SearchAsync(user.UserId, term, limit + 1, request.HttpContext.RequestAborted);
        var response = new JsonArray();
        foreach (var entry in results.Take(limit))
        {
            var item = new JsonObject { ["user_id"] = entry.UserId };
            if (entry.DisplayName is { Length: > 0 } name) item["display_name"] = name;
            if (entry.AvatarUrl is { Length: > 0 } avatar) item["avatar_url"] = avatar;
            response.Add(item);
        }
        return new JsonObject { ["results"] = response, ["limited"] = results.Count > limit };
    }
}
