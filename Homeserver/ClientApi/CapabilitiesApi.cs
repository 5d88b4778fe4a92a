using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.RoomVersions;
using Homeserver.Http.Auth;
using Homeserver.UserData;
using Microsoft.AspNetCore.Mvc;

namespace Homeserver.ClientApi;

/// <summary><c>GET /capabilities</c>: what this server lets the user do, and its room versions.</summary>
public static class CapabilitiesApi
{
    public static IEndpointRouteBuilder MapCapabilitiesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapGet("/capabilities", GetCapabilities).RequireMatrixAuth());
        return routes;
    }

    private static JsonObject GetCapabilities([FromServices] HomeserverConfig config) => new()
    {
        ["capabilities"] = Capabilities(config),
    };

    /// <summary>The capabilities object; every room version this server implements is stable.</summary>
    public static JsonObject Capabilities(HomeserverConfig config)
    {
        var available = new JsonObject();
        foreach (var version in RoomVersionRegistry.Stable)
            available[version.Id] = "stable";
        return new JsonObject
        {
            ["m.change_password"] = Enabled(true),
            ["m.room_versions"] = new JsonObject { ["default"] = config.DefaultRoomVersion, ["available"] = available },
            ["m.set_displayname"] = Enabled(true),
            ["m.set_avatar_url"] = Enabled(true),
            // Only the two fields the profile API implements; m.set_displayname and m.set_avatar_url agree.
            ["m.profile_fields"] = new JsonObject
            {
                ["enabled"] = true,
                ["allowed"] = new JsonArray(ProfileFields.DisplayName, ProfileFields.AvatarUrl),
            },
            ["m.3pid_changes"] = Enabled(false),
            ["m.get_login_token"] = Enabled(false),
            ["m.forget_forced_upon_leave"] = Enabled(false),
        };
    }

    private static JsonObject Enabled(bool enabled) => new() { ["enabled"] = enabled };
}
