using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Homeserver.LoadTest;

/// <summary>
/// The database's own durable write rate, the ceiling a send can approach: single-row INSERTs, each
/// its own committed transaction, by 1 or more concurrent clients. PostgreSQL: pgbench with a
/// one-statement script when it is installed, else the same loop over Npgsql. SQLite: a loop over
/// Microsoft.Data.Sqlite in WAL mode with synchronous FULL, as the homeserver opens its file. The
/// batched variant commits 100 rows per transaction (one multi-row INSERT), the rate a store that
/// batches its writes can approach.
/// </summary>
public static partial class InsertBaseline
{
    public sealed record Result(string Tool, int Clients, double RowsPerSecond);

    private const string Table = "loadtest_insert_baseline";

    public static Task<Result> PostgresAsync(string connectionString, int clients, TimeSpan duration, CancellationToken cancellationToken) =>
        PostgresAsync(connectionString, clients, rowsPerTransaction: 1, duration, cancellationToken);

    /// <summary>Each client commits <paramref name="rowsPerTransaction"/> rows per INSERT statement; the result is rows per second.</summary>
    public static async Task<Result> PostgresAsync(
        string connectionString, int clients, int rowsPerTransaction, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand(
                $"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table} (id bigserial PRIMARY KEY, v integer NOT NULL)", setup);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var statement = rowsPerTransaction == 1
            ? $"INSERT INTO {Table} (v) VALUES (1)"
            : $"INSERT INTO {Table} (v) SELECT 1 FROM generate_series(1, {rowsPerTransaction})";
        if (FindPgbench() is { } pgbench)
        {
            var pgbenchResult = await PgbenchAsync(pgbench, connectionString, statement, clients, duration, cancellationToken);
            return pgbenchResult with { RowsPerSecond = pgbenchResult.RowsPerSecond * rowsPerTransaction };
        }
        return new Result("Npgsql loop", clients, rowsPerTransaction * await LoopAsync(clients, duration, async () =>
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            var insert = new NpgsqlCommand(statement, connection);
            await insert.PrepareAsync(cancellationToken);
            return (() => insert.ExecuteNonQueryAsync(cancellationToken), connection);
        }));
    }

    public static async Task<Result> SqliteAsync(string path, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync(cancellationToken);
            await using var create = setup.CreateCommand();
            create.CommandText = $"PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS {Table} (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var rate = await LoopAsync(clients, duration, async () =>
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000";
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }
            var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO {Table} (v) VALUES (1)";
            return (() => insert.ExecuteNonQueryAsync(cancellationToken), connection);
        });
        return new Result("Microsoft.Data.Sqlite loop", clients, rate);
    }

    /// <summary>Each client opens its connection, then inserts one row per statement (autocommit) until the time is up.</summary>
    private static async Task<double> LoopAsync(
        int clients, TimeSpan duration, Func<Task<(Func<Task<int>> Insert, IAsyncDisposable Connection)>> open)
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => open()));
        long rows = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(opened.Select(client => Task.Run(async () =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                await client.Insert();
                Interlocked.Increment(ref rows);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var client in opened)
            await client.Connection.DisposeAsync();
        return rows / elapsed.TotalSeconds;
    }

    private static string? FindPgbench()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(directory, "pgbench")))
                return Path.Combine(directory, "pgbench");
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetFiles("/usr/lib/postgresql", "pgbench", SearchOption.AllDirectories).OrderDescending().FirstOrDefault()
            : null;
    }

    /// <summary>pgbench running <paramref name="statement"/> as its whole script; the result is transactions per second.</summary>
    private static async Task<Result> PgbenchAsync(
        string pgbench, string connectionString, string statement, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, statement + ";\n", cancellationToken);
        try
        {
            var start = new ProcessStartInfo(pgbench)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
                     {
                         "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture),
                         "-j", Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
                         "-T", Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-f", script,
                         "-h", settings.Host ?? "127.0.0.1", "-p", settings.Port.ToString(CultureInfo.InvariantCulture),
                         "-U", settings.Username ?? "postgres", settings.Database ?? "postgres",
                     })
                start.ArgumentList.Add(argument);
            start.Environment["PGPASSWORD"] = settings.Password ?? "";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var match = TpsLine().Match(await output);
            if (process.ExitCode != 0 || !match.Success)
                throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {await errors}{await output}");
            return new Result("pgbench", clients, double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();
}
