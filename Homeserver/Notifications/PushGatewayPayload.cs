using System.Text.Json.Nodes;
using Homeserver.Storage.Push;

namespace Homeserver.Notifications;

/// <summary>
/// The body of <c>POST /_matrix/push/v1/notify</c> (push gateway API) for one pusher: the event's details,
/// or only its ids and the counts when the pusher's <c>data.format</c> is <c>event_id_only</c>.
/// </summary>
public static class PushGatewayPayload
{
    public const string EventIdOnly = "event_id_only";

    public static JsonObject Build(PushDelivery delivery, PusherRecord pusher, JsonObject pusherData, long unread)
    {
        var ev = delivery.Event;
        var data = (JsonObject)pusherData.DeepClone();
        data.Remove("url");
        var counts = new JsonObject();
        // The spec asks for zero counts to be left out.
        if (unread > 0) counts["unread"] = unread;
        var notification = new JsonObject
        {
            ["event_id"] = ev["event_id"]?.DeepClone(),
            ["room_id"] = ev["room_id"]?.DeepClone(),
            ["counts"] = counts,
            ["prio"] = IsHighPriority(delivery) ? "high" : "low",
            ["devices"] = new JsonArray(new JsonObject
            {
                ["app_id"] = pusher.AppId,
                ["pushkey"] = pusher.Pushkey,
                ["pushkey_ts"] = pusher.PushkeyTs,
                ["data"] = data,
                ["tweaks"] = delivery.Tweaks.DeepClone(),
            }),
        };
        if (pusherData["format"] is not JsonValue format || !format.TryGetValue<string>(out var f) || f != EventIdOnly)
        {
            notification["type"] = ev["type"]?.DeepClone();
            notification["sender"] = ev["sender"]?.DeepClone();
            if (delivery.SenderDisplayName is { } senderName) notification["sender_display_name"] = senderName;
            if (delivery.RoomName is { } roomName) notification["room_name"] = roomName;
            if (delivery.RoomAlias is { } roomAlias) notification["room_alias"] = roomAlias;
            if (ev["content"] is JsonObject content) notification["content"] = content.DeepClone();
            if (Text(ev["type"]) == "m.room.member")
                notification["user_is_target"] = ev["state_key"] is JsonValue key && key.TryGetValue<string>(out var target) && target == delivery.UserId;
        }
        return new JsonObject { ["notification"] = notification };
    }

    /// <summary>High for what should alert at once (a sound or highlight, or an encrypted event the client must look at).</summary>
    private static bool IsHighPriority(PushDelivery delivery) =>
        delivery.Tweaks.ContainsKey("sound")
        || delivery.Tweaks["highlight"] is JsonValue h && h.TryGetValue<bool>(out var on) && on
        || Text(delivery.Event["type"]) == "m.room.encrypted";

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
