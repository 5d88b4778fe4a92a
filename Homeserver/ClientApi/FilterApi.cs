using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Json;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.UserData;
using Homeserver.UserData;

namespace Homeserver.ClientApi;

/// <summary>
/// Filters: <c>POST /user/{userId}/filter</c> stores a validated filter as canonical JSON and
/// <c>GET /user/{userId}/filter/{filterId}</c> returns it; both only for the requesting user.
/// </summary>
public static class FilterApi
{
    public static IEndpointRouteBuilder MapFilterApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPost("/user/{userId}/filter", PostFilter).RequireMatrixAuth();
            group.MapGet("/user/{userId}/filter/{filterId}", GetFilter).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> PostFilter(string userId, RequestUser user, IFilterStore filters, HttpRequest request)
    {
        user.RequireSelf(userId, "the filters");
        var filter = await JsonBody.ReadObjectAsync(request);
        SyncFilterValidator.Validate(filter);
        var id = await filters.AddAsync(userId, Canonical(filter), request.HttpContext.RequestAborted);
        return new JsonObject { ["filter_id"] = id.ToString(CultureInfo.InvariantCulture) };
    }

    /// <summary>The stored form; numbers canonical JSON cannot hold (such as 1e400 in an unknown key) are a client error.</summary>
    private static string Canonical(JsonObject filter)
    {
        try
        {
            return CanonicalJson.EncodeToString(filter);
        }
        catch (CanonicalJsonException e)
        {
            throw MatrixException.BadJson($"Invalid filter: {e.Message}.");
        }
    }

    private static async Task<IResult> GetFilter(string userId, string filterId, RequestUser user, IFilterStore filters, HttpContext context)
    {
        user.RequireSelf(userId, "the filters");
        // Ids are issued as plain decimal numbers; any other spelling names no filter.
        if (!long.TryParse(filterId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || id.ToString(CultureInfo.InvariantCulture) != filterId)
            throw MatrixException.NotFound("Unknown filter.");
        var json = await filters.GetAsync(userId, id, context.RequestAborted) ?? throw MatrixException.NotFound("Unknown filter.");
        return JsonResults.Raw(json);
    }
}
