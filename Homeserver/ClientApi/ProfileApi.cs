using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.UserData;
using Microsoft.AspNetCore.Mvc;

namespace Homeserver.ClientApi;

/// <summary>
/// Profiles: <c>GET /profile/{userId}</c> and GET, PUT and DELETE of <c>displayname</c> and <c>avatar_url</c>.
/// Reads need an access token only when <c>require_auth_for_profile_requests</c> is set (the spec declares
/// no security for them); changes need one and only the user may change their own profile.
/// Other profile keys (<c>m.tz</c>, custom fields) are not supported, as <c>m.profile_fields</c> announces.
/// </summary>
public static class ProfileApi
{
    public static IEndpointRouteBuilder MapProfileApi(this IEndpointRouteBuilder routes)
    {
        var requireAuthForReads = routes.ServiceProvider.GetRequiredService<HomeserverConfig>().RequireAuthForProfileRequests;
        routes.MapV3WithR0(group =>
        {
            RequireAuthIf(group.MapGet("/profile/{userId}", GetProfile), requireAuthForReads);
            foreach (var field in (string[])[ProfileFields.DisplayName, ProfileFields.AvatarUrl])
            {
                RequireAuthIf(group.MapGet($"/profile/{{userId}}/{field}",
                    (string userId, ProfileService profiles, HttpContext context) => GetField(userId, field, profiles, context.RequestAborted)), requireAuthForReads);
                group.MapPut($"/profile/{{userId}}/{field}",
                    (string userId, RequestUser user, ProfileService profiles, HttpRequest request) => PutField(userId, field, user, profiles, request)).RequireMatrixAuth();
                group.MapDelete($"/profile/{{userId}}/{field}",
                    (string userId, RequestUser user, ProfileService profiles, HttpContext context) => DeleteField(userId, field, user, profiles, context.RequestAborted)).RequireMatrixAuth();
            }
        });
        return routes;
    }

    private static void RequireAuthIf(RouteHandlerBuilder endpoint, bool required)
    {
        if (required) endpoint.RequireMatrixAuth();
    }

    private static async Task<JsonObject> GetProfile(string userId, [FromServices] ProfileService profiles, HttpContext context)
    {
        UserPathChecks.RequireUserId(userId);
        var profile = await profiles.GetAsync(userId, context.RequestAborted) ?? throw MatrixException.NotFound("Profile not found.");
        var body = new JsonObject();
        if (profile.AvatarUrl is not null) body[ProfileFields.AvatarUrl] = profile.AvatarUrl;
        if (profile.DisplayName is not null) body[ProfileFields.DisplayName] = profile.DisplayName;
        return body;
    }

    private static async Task<JsonObject> GetField(string userId, string field, ProfileService profiles, CancellationToken cancellationToken)
    {
        UserPathChecks.RequireUserId(userId);
        var profile = await profiles.GetAsync(userId, cancellationToken) ?? throw MatrixException.NotFound("Profile not found.");
        var value = field == ProfileFields.DisplayName ? profile.DisplayName : profile.AvatarUrl;
        return value is null
            ? throw MatrixException.NotFound($"The user has no {field}.")
            : new JsonObject { [field] = value };
    }

    private static async Task<IResult> PutField(string userId, string field, RequestUser user, ProfileService profiles, HttpRequest request)
    {
        user.RequireSelf(userId, "the profile");
        var body = await JsonBody.ReadObjectAsync(request);
        if (!body.TryGetPropertyValue(field, out var node))
            throw MatrixException.MissingParam($"The request body has no '{field}'.");
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            throw MatrixException.BadJson($"'{field}' must be a string.");
        var text = value.GetValue<string>();
        if (field == ProfileFields.DisplayName)
            await profiles.SetDisplayNameAsync(userId, ProfileFields.CheckDisplayName(text), request.HttpContext.RequestAborted);
        else
            await profiles.SetAvatarUrlAsync(userId, ProfileFields.CheckAvatarUrl(text), request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> DeleteField(string userId, string field, RequestUser user, ProfileService profiles, CancellationToken cancellationToken)
    {
        user.RequireSelf(userId, "the profile");
        if (field == ProfileFields.DisplayName)
            await profiles.SetDisplayNameAsync(userId, null, cancellationToken);
        else
            await profiles.SetAvatarUrlAsync(userId, null, cancellationToken);
        return JsonResults.Empty;
    }
}
