namespace Homeserver.Storage.Search;

/// <summary>A served event of the stream the search indexer reads: one of the searchable types, or a redaction.</summary>
public sealed record IndexableEvent(long EventNid, string EventId, string RoomId, string Type, string? StateKey, string Sender,
    long StreamOrdering, string? Redacts, byte[] Json);
