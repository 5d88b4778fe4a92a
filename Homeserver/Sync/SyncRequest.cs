namespace Homeserver.Sync;

/// <summary>A parsed <c>GET /sync</c>: who asks, from where, and how long it may wait, and its <c>set_presence</c>.</summary>
public sealed record SyncRequest(string UserId, string? DeviceId, SyncToken? Since, SyncFilter Filter, bool FullState, TimeSpan Timeout,
    string? SetPresence = null);
