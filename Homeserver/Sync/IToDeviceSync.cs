using System.Text.Json.Nodes;

namespace Homeserver.Sync;

/// <summary>The to-device stream as <c>/sync</c> reads it: messages queued for one device.</summary>
public interface IToDeviceSync
{
    /// <summary>
    /// Deletes the device's messages at or before <paramref name="acknowledged"/> (the client's <c>since</c>
    /// proves it has them) and returns the next ones after it up to <paramref name="upTo"/>, a bounded number,
    /// with the position for <c>next_batch</c>: the last returned message's when more are waiting, else <paramref name="upTo"/>.
    /// </summary>
    Task<ToDeviceBatch> GetAsync(string userId, string deviceId, long acknowledged, long upTo, CancellationToken cancellationToken);
}

/// <summary>To-device events for a sync response (each <c>{sender, type, content}</c>) and the position they reach.</summary>
public sealed record ToDeviceBatch(JsonArray Events, long NextPosition);
