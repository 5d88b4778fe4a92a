namespace Homeserver.CapacityBench;

/// <summary>A start of a process: time to its first answered request and its resident memory after settling.</summary>
public sealed record StartSample(double StartupMs, long IdleRssBytes);

/// <summary>One initial sync: wall time until the whole body was read, body size, server memory before and at peak.</summary>
public sealed record SyncSample(double Ms, long Bytes, long RssBeforeBytes, long PeakRssBytes);

/// <summary>Initial syncs of a user in <see cref="Rooms"/> rooms of <see cref="EventsPerRoom"/> messages each (first one cold).</summary>
/// <summary><see cref="DatabaseTransactions"/>: PostgreSQL transactions (statements outside a transaction each count) of one more such sync.</summary>
public sealed record SyncSize(int Rooms, int EventsPerRoom, IReadOnlyList<SyncSample> Samples, long? DatabaseTransactions);

/// <summary>Bytes on disk and state rows added by <see cref="Changes"/> state changes in a room of <see cref="Members"/> members.</summary>
public sealed record StateGrowth(int Members, int Changes, long Bytes, long StateGroupEntries, long StateGroups);

/// <summary>Everything measured on one backend.</summary>
public sealed class CapacityResults(CapacityOptions options)
{
    public CapacityOptions Options { get; } = options;
    public string LoadAverageAtStart { get; set; } = "";
    public string LoadAverageAtEnd { get; set; } = "";
    public bool PeakResetWorks { get; set; }

    public List<StartSample> EmptyAspNet { get; } = [];
    public double FirstStartMs { get; set; }
    public List<StartSample> EmptyDatabase { get; } = [];

    public int RegisteredUsers { get; set; }
    public double RegistrationSeconds { get; set; }
    public long RssAfterRegistration { get; set; }
    public List<StartSample> WithUsers { get; } = [];

    public long StoredEvents { get; set; }
    public long SeededMessages { get; set; }
    public double SeedingSeconds { get; set; }
    public double MessageSeedingSeconds { get; set; }
    public long MessageBytes { get; set; }
    /// <summary>Messages added after the measured seeding only so that the start-up runs on <see cref="CapacityOptions.StartupEvents"/> stored events.</summary>
    public long StartupBulkMessages { get; set; }
    public int StartupBulkRooms { get; set; }
    public double StartupBulkSeconds { get; set; }
    public long SearchIndexBytes { get; set; }
    public List<StateGrowth> StateGrowth { get; } = [];

    public List<StartSample> Seeded { get; } = [];
    public double SearchCatchUpSeconds { get; set; }
    public SyncSize? EmptySync { get; set; }
    public List<SyncSize> Syncs { get; } = [];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
