using System.Text.Json.Nodes;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Search;
using Microsoft.AspNetCore.Mvc;

namespace Homeserver.ClientApi;

/// <summary><c>POST /search</c>: the <c>room_events</c> category (the only one the spec defines); other categories are ignored.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPost("/search", Search).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> Search([FromQuery(Name = "next_batch")] string? nextBatch, RequestUser user, RoomEventSearch search, HttpRequest request)
    {
        user.RequireNotGuest();
        var body = await JsonBody.ReadObjectAsync(request);
        if (SearchRequest.Parse(body) is not { } criteria)
            return new JsonObject { ["search_categories"] = new JsonObject() };
        return await search.SearchAsync(user, criteria, string.IsNullOrEmpty(nextBatch) ? null : nextBatch, request.HttpContext.RequestAborted);
    }
}
