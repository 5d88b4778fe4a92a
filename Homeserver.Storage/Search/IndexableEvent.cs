namespace Homeserver.Storage.Search;

/// <summary>
/// A served event of the stream the search indexer reads: one of the searchable types, or a redaction. Events
/// with the same state-before group (a run of messages) share their state, so the indexer looks it up once.
/// </summary>
public sealed record IndexableEvent(long EventNid, string EventId, string RoomId, string Type, string? StateKey, string Sender,
    long StreamOrdering, string? Redacts, byte[] Json, long? StateBeforeGroup);
