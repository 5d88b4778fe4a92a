namespace Homeserver.LoadTest;

/// <summary>Sequential scans of a table, the rows they read, and the rows fetched through its indexes.</summary>
public sealed record TableReads(long SequentialScans, long SequentialRows, long IndexRows);
