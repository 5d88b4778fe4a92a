namespace Homeserver.LoadTest;

/// <summary>Everything measured on one backend, for the report.</summary>
public sealed record BackendResults(
    LoadTestOptions Options,
    IReadOnlyList<LoadResult> Versions,
    IReadOnlyList<InsertBaseline.Result> Inserts,
    IReadOnlyDictionary<int, IReadOnlyList<LoadResult>> SendsByRoomCount,
    DatabaseWork? DatabaseWorkOfSends,
    IReadOnlyList<WakeupResult> Wakeups,
    TimeSpan SetupTime,
    string LoadAverageAtStart,
    string LoadAverageAtEnd);
