using System.Text.Json.Nodes;

namespace Homeserver.Notifications;

/// <summary>A notification to send to a user's pushers: the event (as JSON, with its id), the rule's tweaks and display details.</summary>
public sealed record PushDelivery(string UserId, JsonObject Event, JsonObject Tweaks, string? SenderDisplayName, string? RoomName, string? RoomAlias);

/// <summary>How hard the server tries to reach a push gateway.</summary>
public sealed class PushDeliveryOptions
{
    /// <summary>Attempts per notification and pusher, the first included.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The wait before the first retry; it doubles before each further one.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one request to a gateway may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
