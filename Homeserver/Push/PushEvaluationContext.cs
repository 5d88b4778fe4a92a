using System.Text.Json.Nodes;

namespace Homeserver.Push;

/// <summary>
/// What the conditions of one user's push rules look at for one event, gathered by the caller.
/// </summary>
/// <param name="Event">The event as JSON (with <c>event_id</c>, <c>type</c>, <c>sender</c>, <c>content</c>, ...).</param>
/// <param name="UserId">The user whose rules are evaluated.</param>
/// <param name="RoomMemberCount">Joined members of the room (for <c>room_member_count</c>).</param>
/// <param name="UserDisplayName">The user's display name in the room, if any (for <c>contains_display_name</c>).</param>
/// <param name="SenderPowerLevel">The sender's power level in the room.</param>
/// <param name="NotificationPowerLevels">The <c>notifications</c> levels of the power levels (missing keys default to 50).</param>
public sealed record PushEvaluationContext(
    JsonObject Event,
    string UserId,
    long RoomMemberCount,
    string? UserDisplayName,
    long SenderPowerLevel,
    IReadOnlyDictionary<string, long> NotificationPowerLevels)
{
    /// <summary>The level the spec gives a notification key the power levels do not name.</summary>
    public const long DefaultNotificationLevel = 50;

    public string? RoomId => Event["room_id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public string? Sender => Event["sender"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public string? Body => Event["content"] is JsonObject content && content["body"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public long RequiredNotificationLevel(string key) =>
        NotificationPowerLevels.TryGetValue(key, out var level) ? level : DefaultNotificationLevel;
}
