namespace Homeserver.Storage.Search;

/// <summary>The searchable text of one event under one key (such as <c>content.body</c>).</summary>
public sealed record SearchEntry(long EventNid, string RoomId, string Sender, string Key, long StreamOrdering, string Value);
