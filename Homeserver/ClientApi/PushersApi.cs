using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Notifications;
using Homeserver.Storage.Push;

namespace Homeserver.ClientApi;

/// <summary>
/// Pushers: <c>GET /pushers</c> lists the user's pushers; <c>POST /pushers/set</c> creates or replaces one
/// (<c>kind: "http"</c> with a gateway <c>data.url</c>) or deletes it (<c>kind: null</c>).
/// </summary>
public static class PushersApi
{
    /// <summary>The spec's limits: app_id at most 64 characters, pushkey at most 512 bytes.</summary>
    public const int MaxAppIdLength = 64;

    public const int MaxPushkeyBytes = 512;

    /// <summary>Longest display name, language or profile tag accepted.</summary>
    public const int MaxTextLength = 1024;

    public static IEndpointRouteBuilder MapPushersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/pushers", GetPushers).RequireMatrixAuth();
            group.MapPost("/pushers/set", SetPusher).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> GetPushers(RequestUser user, IPusherStore pushers, HttpContext context)
    {
        var list = new JsonArray();
        foreach (var pusher in await pushers.GetForUserAsync(user.UserId, context.RequestAborted))
        {
            var json = new JsonObject
            {
                ["pushkey"] = pusher.Pushkey,
                ["kind"] = pusher.Kind,
                ["app_id"] = pusher.AppId,
                ["app_display_name"] = pusher.AppDisplayName,
                ["device_display_name"] = pusher.DeviceDisplayName,
                ["lang"] = pusher.Lang,
                ["data"] = JsonNode.Parse(pusher.DataJson),
            };
            if (pusher.ProfileTag is { } tag) json["profile_tag"] = tag;
            list.Add(json);
        }
        return new JsonObject { ["pushers"] = list };
    }

    private static async Task<IResult> SetPusher(RequestUser user, IPusherStore pushers, TimeProvider time, HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await JsonBody.ReadObjectAsync(request);
        var missing = new[] { "kind", "app_id", "pushkey" }.Where(k => !body.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw MatrixException.MissingParam($"Missing parameters: {string.Join(", ", missing)}");
        var appId = RequiredString(body, "app_id");
        var pushkey = RequiredString(body, "pushkey");
        if (appId.Length == 0 || appId.Length > MaxAppIdLength)
            throw MatrixException.InvalidParam($"'app_id' must have 1 to {MaxAppIdLength} characters.");
        if (pushkey.Length == 0 || Encoding.UTF8.GetByteCount(pushkey) > MaxPushkeyBytes)
            throw MatrixException.InvalidParam($"'pushkey' must have 1 to {MaxPushkeyBytes} bytes.");

        if (body["kind"] is null)
        {
            await pushers.DeleteAsync(user.UserId, appId, pushkey, cancellationToken);
            return JsonResults.Empty;
        }
        var kind = RequiredString(body, "kind");
        missing = [.. new[] { "app_display_name", "device_display_name", "lang", "data" }.Where(k => !body.ContainsKey(k))];
        if (missing.Count > 0)
            throw MatrixException.MissingParam($"Missing parameters: {string.Join(", ", missing)}");
        if (kind != PusherKinds.Http)
            throw MatrixException.InvalidParam($"Pusher kind '{kind}' is not supported; use \"http\".");
        if (body["data"] is not JsonObject data)
            throw MatrixException.BadJson("'data' must be an object.");
        if (!data.ContainsKey("url"))
            throw MatrixException.MissingParam("'data.url' is required for http pushers.");
        if (PusherKinds.GatewayUrl(data) is null)
            throw MatrixException.InvalidParam($"'data.url' must be an absolute https (or http) URL with the path {PusherKinds.NotifyPath}.");
        if (data["format"] is { } format && !(format is JsonValue f && f.TryGetValue<string>(out _)))
            throw MatrixException.BadJson("'data.format' must be a string.");
        var append = false;
        if (body["append"] is { } appendNode && !(appendNode is JsonValue a && a.TryGetValue(out append)))
            throw MatrixException.BadJson("'append' must be a boolean.");
        string? profileTag = null;
        if (body["profile_tag"] is not null)
            profileTag = Limited(body, "profile_tag");

        var pusher = new PusherRecord(user.UserId, appId, pushkey, kind, Limited(body, "app_display_name"), Limited(body, "device_display_name"),
            profileTag, Limited(body, "lang"), data.ToJsonString(), time.GetUtcNow().ToUnixTimeSeconds());
        await pushers.SetAsync(pusher, append, cancellationToken);
        return JsonResults.Empty;
    }

    private static string RequiredString(JsonObject body, string key) =>
        body[key] is JsonValue v && v.TryGetValue<string>(out var text) ? text : throw MatrixException.BadJson($"'{key}' must be a string.");

    private static string Limited(JsonObject body, string key)
    {
        var text = RequiredString(body, key);
        return text.Length <= MaxTextLength ? text : throw MatrixException.InvalidParam($"'{key}' is longer than {MaxTextLength} characters.");
    }
}
