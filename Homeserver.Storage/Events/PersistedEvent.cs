namespace Homeserver.Storage.Events;

/// <summary>Where a persisted event landed: its stream position (null for outliers).</summary>
public sealed record PersistedEvent(string EventId, long? StreamOrdering);
