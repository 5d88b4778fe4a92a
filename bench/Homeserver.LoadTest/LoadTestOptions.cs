using System.Globalization;

namespace Homeserver.LoadTest;

/// <summary>Command-line options of one backend's run (see <c>bench/run-send-sync</c>, which passes them).</summary>
public sealed record LoadTestOptions
{
    public required Uri ServerUrl { get; init; }
    public required string Backend { get; init; }
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public IReadOnlyList<int> Clients { get; init; } = [1, 8, 64, 256];
    /// <summary>Room counts of the send workload; sends spread over the rooms as <see cref="RoomAssignment"/> says.</summary>
    public IReadOnlyList<int> Rooms { get; init; } = [1, 10, 100];
    /// <summary>Each workload runs this many times; the report gives the medians.</summary>
    public int Runs { get; init; } = 3;
    /// <summary>Senders of the load that runs during the wake-up measurement (workload 1 at 64 clients into 10 rooms).</summary>
    public int LoadClients { get; init; } = 64;
    /// <summary>Idle long-polls held open while the server's memory is read.</summary>
    public int IdlePolls { get; init; } = 1000;
    /// <summary>Sequential sends whose database work is counted (PostgreSQL; 0: not measured).</summary>
    public int DatabaseWorkSends { get; init; } = 200;
    public int WakeupSamples { get; init; } = 200;
    /// <summary>Sampling of one wake-up condition ends after this time even with fewer samples (a slow, loaded server).</summary>
    public TimeSpan WakeupMaxTime { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Connection string of the server's PostgreSQL database, for the insert baseline (postgres backend).</summary>
    public string? PostgresConnectionString { get; init; }
    /// <summary>A file next to the server's SQLite database, for the insert baseline (sqlite backend).</summary>
    public string? SqliteBaselinePath { get; init; }
    /// <summary>The homeserver's process id, to report its CPU use per workload.</summary>
    public int? ServerPid { get; init; }
    /// <summary>Where this backend's markdown section is written.</summary>
    public required string Output { get; init; }
    /// <summary>Where the checked targets are appended as JSON lines (null: not written).</summary>
    public string? TargetsPath { get; init; }
    /// <summary>The suite's baselines (bench/run): given, the /versions and PostgreSQL INSERT rates are not measured again.</summary>
    public SuiteBaselines? Baselines { get; init; }

    public static LoadTestOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                throw new ArgumentException($"Expected '--name value' pairs, got '{args[i]}'.");
            values[args[i][2..]] = args[++i];
        }
        string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.");
        int PositiveInt(string text, string name) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"--{name} must be a positive integer, got '{text}'.");

        var backend = Required("backend");
        if (backend is not ("postgres" or "sqlite"))
            throw new ArgumentException("--backend must be postgres or sqlite.");
        var options = new LoadTestOptions
        {
            ServerUrl = new Uri(Required("url")),
            Backend = backend,
            Output = Required("output"),
            PostgresConnectionString = values.GetValueOrDefault("postgres"),
            SqliteBaselinePath = values.GetValueOrDefault("sqlite-baseline"),
            ServerPid = values.TryGetValue("server-pid", out var pid) ? PositiveInt(pid, "server-pid") : null,
            TargetsPath = values.GetValueOrDefault("targets"),
            Baselines = values.TryGetValue("baselines", out var baselines) ? SuiteBaselines.Load(baselines) : null,
        };
        IReadOnlyList<int> List(string text, string name) => text.Split(',').Select(c => PositiveInt(c, name)).Distinct().Order().ToArray();
        if (values.TryGetValue("duration", out var duration))
            options = options with { Duration = TimeSpan.FromSeconds(PositiveInt(duration, "duration")) };
        if (values.TryGetValue("clients", out var clients))
            options = options with { Clients = List(clients, "clients") };
        if (values.TryGetValue("rooms", out var rooms))
            options = options with { Rooms = List(rooms, "rooms") };
        if (values.TryGetValue("runs", out var runs))
            options = options with { Runs = PositiveInt(runs, "runs") };
        if (values.TryGetValue("load-clients", out var loadClients))
            options = options with { LoadClients = PositiveInt(loadClients, "load-clients") };
        if (values.TryGetValue("idle-polls", out var idlePolls))
            options = options with { IdlePolls = PositiveInt(idlePolls, "idle-polls") };
        if (values.TryGetValue("database-work-sends", out var databaseWorkSends))
            options = options with
            {
                DatabaseWorkSends = databaseWorkSends == "0" ? 0 : PositiveInt(databaseWorkSends, "database-work-sends"),
            };
        if (values.TryGetValue("wakeup-samples", out var samples))
            options = options with { WakeupSamples = PositiveInt(samples, "wakeup-samples") };
        if (values.TryGetValue("wakeup-seconds", out var wakeupSeconds))
            options = options with { WakeupMaxTime = TimeSpan.FromSeconds(PositiveInt(wakeupSeconds, "wakeup-seconds")) };
        if (backend == "postgres" && options.PostgresConnectionString is null)
            throw new ArgumentException("--postgres CONNECTION_STRING is required with --backend postgres.");
        if (backend == "sqlite" && options.SqliteBaselinePath is null)
            throw new ArgumentException("--sqlite-baseline PATH is required with --backend sqlite.");
        return options;
    }
}
