using System.Text.Json.Nodes;

namespace Homeserver.Push;

/// <summary>
/// One event as push rules see it, with what the caller gathered about the room before the event. Built once
/// per event and shared by the evaluation of every member's rules: the results of conditions that do not depend
/// on the member (all but <c>contains_display_name</c>) are kept here, so members whose rulesets share a
/// condition (every server-default rule) evaluate it once per event. Not thread-safe: one evaluation at a time.
/// </summary>
public sealed class PushEvent
{
    /// <summary>The level the spec gives a notification key the power levels do not name.</summary>
    public const long DefaultNotificationLevel = 50;

    /// <summary>Results of member-independent conditions, by <see cref="PushConditionMatcher.Id"/>.</summary>
    private readonly Dictionary<int, bool> _sharedResults = [];

    private int[]? _bodyRunes;

    /// <param name="json">The event as JSON (with <c>event_id</c>, <c>type</c>, <c>sender</c>, <c>content</c>, ...).</param>
    /// <param name="roomMemberCount">Joined members of the room (for <c>room_member_count</c>).</param>
    /// <param name="senderPowerLevel">The sender's power level in the room.</param>
    /// <param name="notificationPowerLevels">The <c>notifications</c> levels of the power levels (missing keys default to 50).</param>
    public PushEvent(JsonObject json, long roomMemberCount, long senderPowerLevel, IReadOnlyDictionary<string, long> notificationPowerLevels)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(notificationPowerLevels);
        Json = json;
        RoomMemberCount = roomMemberCount;
        SenderPowerLevel = senderPowerLevel;
        NotificationPowerLevels = notificationPowerLevels;
        RoomId = Text(json["room_id"]);
        Sender = Text(json["sender"]);
        Body = json["content"] is JsonObject content ? Text(content["body"]) : null;
    }

    public JsonObject Json { get; }

    public long RoomMemberCount { get; }

    public long SenderPowerLevel { get; }

    public IReadOnlyDictionary<string, long> NotificationPowerLevels { get; }

    public string? RoomId { get; }

    public string? Sender { get; }

    /// <summary><c>content.body</c> when it is a string.</summary>
    public string? Body { get; }

    public long RequiredNotificationLevel(string key) =>
        NotificationPowerLevels.TryGetValue(key, out var level) ? level : DefaultNotificationLevel;

    /// <summary><see cref="Body"/> as lower-cased code points, for globs (computed once per event).</summary>
    internal int[]? BodyRunes => Body is null ? null : _bodyRunes ??= GlobPattern.TextRunes(Body);

    /// <summary>The condition's result for this event, evaluated on first use.</summary>
    internal bool SharedResult(PushConditionMatcher condition)
    {
        if (_sharedResults.TryGetValue(condition.Id, out var result))
            return result;
        result = condition.Evaluate(this, displayName: null);
        _sharedResults[condition.Id] = result;
        return result;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
