using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Spaces;

namespace Homeserver.ClientApi;

/// <summary><c>GET /_matrix/client/v1/rooms/{roomId}/hierarchy</c> (see <see cref="SpaceHierarchy"/>).</summary>
public static class SpaceHierarchyApi
{
    public static IEndpointRouteBuilder MapSpaceHierarchyApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup(ClientApiRoutes.V1).MapGet("/rooms/{roomId}/hierarchy", GetHierarchy).RequireMatrixAuth();
        return routes;
    }

    private static Task<JsonObject> GetHierarchy(string roomId, RequestUser user, SpaceHierarchy hierarchy, HttpRequest request)
    {
        UserPathChecks.RequireRoomId(roomId);
        var query = request.Query;
        var suggestedOnly = SyncApi.Single(query, "suggested_only") switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw MatrixException.InvalidParam("'suggested_only' must be true or false."),
        };
        // Both are capped here, so a token made for a capped request matches the same request repeated.
        var limit = Integer(query, "limit", minimum: 1, SpaceHierarchy.MaxLimit);
        var maxDepth = Integer(query, "max_depth", minimum: 0, SpaceHierarchy.MaxDepth);
        var from = SyncApi.Single(query, "from");
        return hierarchy.GetAsync(user.UserId, new SpaceHierarchy.Query(roomId, suggestedOnly, maxDepth, limit, from), request.HttpContext.RequestAborted);
    }

    private static int? Integer(IQueryCollection query, string name, int minimum, int cap) => SyncApi.Single(query, name) switch
    {
        null => null,
        var text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum => (int)Math.Min(value, cap),
        // Digits too many for a long are still a valid (huge) value.
        var text when text.Length > 18 && text.All(char.IsAsciiDigit) => cap,
        _ => throw MatrixException.InvalidParam($"'{name}' must be an integer of at least {minimum}."),
    };
}
