using System.Globalization;

namespace Homeserver.LoadTest;

/// <summary>Command-line options of one backend's run (see <c>bench/run-send-sync</c>, which passes them).</summary>
public sealed record LoadTestOptions
{
    public required Uri ServerUrl { get; init; }
    public required string Backend { get; init; }
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public IReadOnlyList<int> Clients { get; init; } = [1, 8, 64];
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
        };
        if (values.TryGetValue("duration", out var duration))
            options = options with { Duration = TimeSpan.FromSeconds(PositiveInt(duration, "duration")) };
        if (values.TryGetValue("clients", out var clients))
            options = options with { Clients = clients.Split(',').Select(c => PositiveInt(c, "clients")).ToArray() };
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
