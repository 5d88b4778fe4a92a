namespace Homeserver.Sync;

/// <summary>A parsed <c>GET /sync</c>: who asks, from where, and how long it may wait.</summary>
public sealed record SyncRequest(string UserId, string? DeviceId, SyncToken? Since, SyncFilter Filter, bool FullState, TimeSpan Timeout);
