namespace Homeserver.LoadTest;

/// <summary>Everything measured on one backend, for the report. Each figure is the median of the runs.</summary>
public sealed record BackendResults(
    LoadTestOptions Options,
    VersionsBaseline Versions,
    IReadOnlyList<InsertBaseline.Result> Inserts,
    bool InsertsFromSuite,
    IReadOnlyDictionary<int, IReadOnlyList<LoadResult>> SendsByRoomCount,
    DatabaseWork? DatabaseWorkOfSends,
    IReadOnlyList<WakeupResult> Wakeups,
    IdlePollMemory? IdlePolls,
    int WakeupLoadRooms,
    TimeSpan SetupTime,
    string LoadAverageAtStart,
    string LoadAverageAtEnd);

/// <summary><c>GET /_matrix/client/versions</c> at <see cref="Connections"/> connections, measured here or taken from the suite's baselines.</summary>
public sealed record VersionsBaseline(int Connections, double PerSecond, double P50Ms, double P99Ms, bool FromSuite);
