using System.Diagnostics;
using Dapper;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Benchmarks.Storage;

/// <summary>
/// The event store's persist throughput and storage growth on SQLite and PostgreSQL (PostgreSQL
/// from HOMESERVER_TEST_POSTGRES), each throughput set against a baseline measured in the same run
/// on the same database: a plain loop of single-row INSERTs into a one-column table, one write
/// transaction each (the same durability as one persisted event).
/// </summary>
internal static class StorageBenchmark
{
    private const string PostgresVariable = "HOMESERVER_TEST_POSTGRES";

    private static readonly string[] GraphTables =
    [
        "event_nids", "events", "event_prev_edges", "event_auth_edges", "rooms", "room_forward_extremities",
        "state_keys", "state_groups", "state_group_entries", "current_state", "current_state_versions",
        "room_memberships", "client_transactions",
    ];

    private static readonly string[] StateTables =
        ["state_keys", "state_groups", "state_group_entries", "current_state", "current_state_versions", "room_memberships"];

    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntOption(args, "--events", 2_000);
        var membershipChanges = IntOption(args, "--membership-changes", 100_000);
        var members = IntOption(args, "--members", 1_000);
        var backends = (Option(args, "--backends") ?? "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine($"Storage benchmark: {events} message events per room count, {membershipChanges} membership changes among {members} users");
        foreach (var backend in backends)
        {
            await using var target = await BenchDatabase.CreateAsync(backend);
            if (target is null)
            {
                Console.WriteLine($"{backend}: skipped ({PostgresVariable} is not set)");
                continue;
            }

            Console.WriteLine();
            Console.WriteLine($"== {backend} ==");
            await RunThroughputAsync(target, events);
            await RunGrowthAsync(target, membershipChanges, members);
        }

        return 0;
    }

    private static async Task RunThroughputAsync(BenchDatabase target, int events)
    {
        var database = target.Database;
        var baseline = await BaselineInsertsPerSecondAsync(database, events);
        Console.WriteLine($"baseline: single-row INSERT loop, one transaction each: {baseline:F0} rows/s");
        foreach (var roomCount in new[] { 1, 10, 100 })
        {
            var store = new RoomEventStore(database);
            var rooms = Enumerable.Range(0, roomCount).Select(i => new BenchRoom($"!r{roomCount}_{i}:bench.example")).ToList();
            foreach (var room in rooms)
                await store.PersistAsync(room.Create("@alice:bench.example"), CancellationToken.None);
            var bytesBefore = await target.SizeAsync(GraphTables);

            // One writer per room, at most 16 at once; each event is its own batch (a client's send).
            var writers = Math.Min(roomCount, 16);
            var perWriter = events / writers;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var mine = rooms.Where((_, i) => i % writers == w).ToList();
                for (var n = 0; n < perWriter; n++)
                    await store.PersistAsync(mine[n % mine.Count].Message("@alice:bench.example"), CancellationToken.None);
            })));
            watch.Stop();
            var written = perWriter * writers;
            var rate = written / watch.Elapsed.TotalSeconds;
            var bytes = await target.SizeAsync(GraphTables) - bytesBefore;
            Console.WriteLine(
                $"messages into {roomCount,3} room(s), {writers,2} writer(s): {rate,7:F0} events/s = {rate / baseline:P0} of baseline; {(double)bytes / written:F0} bytes/event{(target.MeasuresTables ? "" : " (whole file)")}");
        }
    }

    private static async Task RunGrowthAsync(BenchDatabase target, int changes, int members)
    {
        var store = new RoomEventStore(target.Database);
        var room = new BenchRoom("!growth:bench.example");
        await store.PersistAsync(room.Create("@alice:bench.example"), CancellationToken.None);
        var stateBefore = await target.SizeAsync(StateTables);
        var allBefore = await target.SizeAsync(GraphTables);
        var random = new Random(12345);
        var joined = new bool[members];
        var watch = Stopwatch.StartNew();
        const int batchSize = 20;
        for (var done = 0; done < changes; done += batchSize)
        {
            var batch = Enumerable.Range(0, Math.Min(batchSize, changes - done)).Select(_ =>
            {
                var user = random.Next(members);
                joined[user] = !joined[user];
                return ($"@user{user}:bench.example", joined[user] ? "join" : "leave");
            }).ToList();
            await store.PersistAsync(room.Memberships(batch), CancellationToken.None);
        }

        watch.Stop();
        var stateBytes = await target.SizeAsync(StateTables) - stateBefore;
        var allBytes = await target.SizeAsync(GraphTables) - allBefore;
        var entries = await target.ScalarAsync("SELECT COUNT(*) FROM state_group_entries");
        var groups = await target.ScalarAsync("SELECT COUNT(*) FROM state_groups WHERE room_id = '!growth:bench.example'");
        Console.WriteLine(
            $"{changes} membership changes among {members} users in one room: {changes / watch.Elapsed.TotalSeconds:F0} changes/s (batches of {batchSize})");
        Console.WriteLine(target.MeasuresTables
            ? $"  state tables: {(double)stateBytes / changes:F0} bytes/state change; all event graph tables: {(double)allBytes / changes:F0} bytes/state change"
            : $"  whole database file: {(double)allBytes / changes:F0} bytes/state change (SQLite: no per-table sizes)");
        Console.WriteLine(
            $"  {groups} state groups, {entries} state_group_entries rows in the whole database ({(double)entries / changes:F1} per change; a full map per change would be about {members / 2} each)");
    }

    private static async Task<double> BaselineInsertsPerSecondAsync(IDatabase database, int rows)
    {
        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
            await connection.ExecuteAsync("CREATE TABLE bench_baseline (v BIGINT NOT NULL)");
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < rows; i++)
        {
            await database.InTransactionAsync((connection, transaction) => connection.ExecuteAsync(
                new CommandDefinition("INSERT INTO bench_baseline (v) VALUES (@V)", new { V = (long)i }, transaction)), CancellationToken.None);
        }

        return rows / watch.Elapsed.TotalSeconds;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    /// <summary>A fresh, migrated database for one backend, removed afterwards.</summary>
    private sealed class BenchDatabase : IAsyncDisposable
    {
        private readonly Func<Task> _remove;

        private BenchDatabase(IDatabase database, Func<Task> remove)
        {
            Database = database;
            _remove = remove;
        }

        public IDatabase Database { get; }

        public bool MeasuresTables => Database.Dialect.Backend == DatabaseBackend.Postgres;

        public static async Task<BenchDatabase?> CreateAsync(string backend)
        {
            if (backend == "sqlite")
            {
                var folder = Path.Combine(Path.GetTempPath(), "homeserver-bench-" + Guid.NewGuid().ToString("N"));
                var options = new StorageOptions { Backend = DatabaseBackend.Sqlite, SqlitePath = Path.Combine(folder, "bench.db") };
                var database = await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None);
                return new BenchDatabase(database, () =>
                {
                    SqliteConnection.ClearAllPools();
                    Directory.Delete(folder, recursive: true);
                    return Task.CompletedTask;
                });
            }

            if (backend != "postgres")
                throw new ArgumentException($"Unknown backend '{backend}' (sqlite or postgres).");
            var server = Environment.GetEnvironmentVariable(PostgresVariable);
            if (string.IsNullOrWhiteSpace(server))
                return null;
            var name = "homeserver_bench_" + Guid.NewGuid().ToString("N");
            var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString;
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
            }

            var pgOptions = new StorageOptions
            {
                Backend = DatabaseBackend.Postgres,
                PostgresConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString,
            };
            var pg = await HomeserverStorage.OpenAsync(pgOptions, NullLoggerFactory.Instance, CancellationToken.None);
            return new BenchDatabase(pg, async () =>
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await connection.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            });
        }

        /// <summary>
        /// Bytes used by the tables with their indexes (PostgreSQL: pg_total_relation_size summed), or
        /// on SQLite by the whole file's used pages (<see cref="MeasuresTables"/> is false).
        /// </summary>
        public async Task<long> SizeAsync(string[] tables)
        {
            await using var connection = await Database.OpenConnectionAsync(CancellationToken.None);
            if (Database.Dialect.Backend == DatabaseBackend.Postgres)
            {
                return await connection.ExecuteScalarAsync<long>(
                    "SELECT CAST(SUM(pg_total_relation_size(CAST(t AS regclass))) AS BIGINT) FROM unnest(@Tables) AS t", new { Tables = tables });
            }

            // The bundled SQLite has no dbstat table: measure the used pages of the whole file instead.
            await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            var pages = await connection.ExecuteScalarAsync<long>("PRAGMA page_count");
            var free = await connection.ExecuteScalarAsync<long>("PRAGMA freelist_count");
            return (pages - free) * await connection.ExecuteScalarAsync<long>("PRAGMA page_size");
        }

        public async Task<long> ScalarAsync(string sql)
        {
            await using var connection = await Database.OpenConnectionAsync(CancellationToken.None);
            return await connection.ExecuteScalarAsync<long>(sql);
        }

        public async ValueTask DisposeAsync()
        {
            await Database.DisposeAsync();
            await _remove();
        }
    }
}
