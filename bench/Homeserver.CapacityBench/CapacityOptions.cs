using System.Globalization;

namespace Homeserver.CapacityBench;

/// <summary>One group of seeded rooms: <see cref="Rooms"/> rooms of <see cref="EventsPerRoom"/> messages each.</summary>
public sealed record RoomGroup(int Rooms, int EventsPerRoom)
{
    /// <summary>The numbers of rooms a sync user of this group is in: 10, 100, ... up to <see cref="Rooms"/>.</summary>
    public IReadOnlyList<int> SyncRoomCounts
    {
        get
        {
            var counts = new List<int>();
            for (var n = 10; n < Rooms; n *= 10) counts.Add(n);
            counts.Add(Rooms);
            return counts;
        }
    }

    public override string ToString() => $"{Rooms}x{EventsPerRoom}";

    /// <summary>Parses <c>ROOMSxEVENTS</c>, e.g. <c>1000x100</c>.</summary>
    public static RoomGroup Parse(string text)
    {
        var parts = text.Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var rooms) || rooms < 1
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var events) || events < 1)
            throw new ArgumentException($"--sizes: '{text}' is not ROOMSxEVENTS (e.g. 1000x100)");
        return new RoomGroup(rooms, events);
    }
}

/// <summary>
/// Command line of one backend's run (bench/run-capacity passes these):
/// <c>--server-dll PATH --work DIR --backend postgres|sqlite (--postgres CONNECTION | --sqlite FILE) --output SECTION.md
/// [--runs 3] [--smoke] [--targets FILE] [--sizes 1000x100,100x1000,10x10000] [--users 10000] [--state-changes 500]
/// [--state-room-members 10,1000]</c>.
/// </summary>
public sealed record CapacityOptions
{
    public required string ServerDll { get; init; }
    public required string WorkDirectory { get; init; }
    public required string Backend { get; init; }
    public string? PostgresConnectionString { get; init; }
    public string? SqlitePath { get; init; }
    public required string Output { get; init; }
    public int Runs { get; init; } = 3;
    public bool Smoke { get; init; }
    public string? Targets { get; init; }
    public IReadOnlyList<RoomGroup> Sizes { get; init; } = [new(1000, 100), new(100, 1000), new(10, 10_000)];
    public int Users { get; init; } = 10_000;
    public int StateChanges { get; init; } = 500;
    public IReadOnlyList<int> StateRoomMembers { get; init; } = [10, 1000];
    /// <summary>
    /// Stored events the start-up measurement needs (issue #11: 10^6): after the measured seeding, rooms of
    /// <see cref="StartupRoomEvents"/> messages are added until the database holds at least this many events.
    /// </summary>
    public int StartupEvents { get; init; } = 1_000_000;
    public const int StartupRoomEvents = 10_000;

    public string BackendName => Backend == "postgres" ? "PostgreSQL" : "SQLite";

    public static CapacityOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var smoke = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--smoke")
            {
                smoke = true;
                continue;
            }
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            values[args[i][2..]] = args[++i];
        }
        string Required(string name) => values.GetValueOrDefault(name) ?? throw new ArgumentException($"--{name} is required");
        int Positive(string name, int fallback) => values.TryGetValue(name, out var v)
            ? int.TryParse(v, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"--{name} must be a positive integer")
            : fallback;

        var backend = Required("backend");
        if (backend is not ("postgres" or "sqlite")) throw new ArgumentException("--backend must be postgres or sqlite");
        var options = new CapacityOptions
        {
            ServerDll = Required("server-dll"),
            WorkDirectory = Required("work"),
            Backend = backend,
            PostgresConnectionString = values.GetValueOrDefault("postgres"),
            SqlitePath = values.GetValueOrDefault("sqlite"),
            Output = Required("output"),
            Smoke = smoke,
            Targets = smoke ? null : values.GetValueOrDefault("targets"),
        };
        if (backend == "postgres" && options.PostgresConnectionString is null) throw new ArgumentException("--postgres is required with --backend postgres");
        if (backend == "sqlite" && options.SqlitePath is null) throw new ArgumentException("--sqlite is required with --backend sqlite");
        if (smoke)
        {
            // Tiny sizes, one run: only proves the harness works.
            options = options with { Runs = 1, Sizes = [new(10, 20)], Users = 20, StateChanges = 10, StateRoomMembers = [3, 30], StartupEvents = 500 };
        }
        return options with
        {
            Runs = smoke ? 1 : Positive("runs", options.Runs),
            Sizes = values.TryGetValue("sizes", out var sizes) ? sizes.Split(',').Select(RoomGroup.Parse).ToList() : options.Sizes,
            Users = Positive("users", options.Users),
            StateChanges = Positive("state-changes", options.StateChanges),
            StartupEvents = Positive("startup-events", options.StartupEvents),
            StateRoomMembers = values.TryGetValue("state-room-members", out var members)
                ? members.Split(',').Select(m => int.TryParse(m, CultureInfo.InvariantCulture, out var n) && n > 1 ? n
                    : throw new ArgumentException("--state-room-members: counts above 1")).ToList()
                : options.StateRoomMembers,
        };
    }
}
