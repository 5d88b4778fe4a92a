using System.Text.Json.Nodes;

namespace Homeserver.Notifications;

/// <summary>The pusher kinds this server sends to, and the gateway URL rule of <c>http</c> pushers.</summary>
public static class PusherKinds
{
    public const string Http = "http";

    /// <summary>The path every push gateway URL must have (push gateway API).</summary>
    public const string NotifyPath = "/_matrix/push/v1/notify";

    /// <summary><c>data.url</c> when it is an absolute http(s) URL whose path is <see cref="NotifyPath"/>; otherwise null.</summary>
    public static Uri? GatewayUrl(JsonObject data) =>
        data["url"] is JsonValue v && v.TryGetValue<string>(out var text)
        && Uri.TryCreate(text, UriKind.Absolute, out var url)
        && url.Scheme is "https" or "http" && url.AbsolutePath == NotifyPath && string.IsNullOrEmpty(url.UserInfo)
            ? url
            : null;
}
