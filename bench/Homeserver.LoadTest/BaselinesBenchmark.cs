using System.Globalization;
using System.Text;

namespace Homeserver.LoadTest;

/// <summary>
/// The suite's baselines, each the median of <c>runs</c> measurements (issue #11): Kestrel serving
/// <c>GET /_matrix/client/versions</c> at 64 connections (the homeserver's cheapest endpoint, no
/// database), PostgreSQL single-row durable INSERTs with 1 and 8 clients and 100-row batched
/// INSERTs (pgbench), and ed25519 sign and verify with NSec. Writes the "Baselines" section and the
/// values file the workloads read.
/// </summary>
public sealed class BaselinesBenchmark(Uri serverUrl, string postgresConnectionString, TimeSpan duration, int runs, int? serverPid)
{
    public const int VersionsConnections = 64;
    public const int BatchRows = 100;

    public async Task<SuiteBaselines> RunAsync(CancellationToken cancellationToken)
    {
        var versions = new List<LoadResult>();
        var inserts1 = new List<InsertBaseline.Result>();
        var inserts8 = new List<InsertBaseline.Result>();
        var batches = new List<InsertBaseline.Result>();
        var signs = new List<double>();
        var verifies = new List<double>();
        using var client = new MatrixClient(serverUrl, VersionsConnections);
        // Warm-up: JIT compilation and connection set-up are not part of the rate.
        await ClosedLoop.RunAsync("warm-up", VersionsConnections, TimeSpan.FromSeconds(1), serverPid,
            (_, _) => client.VersionsAsync(CancellationToken.None), cancellationToken);
        for (var run = 1; run <= runs; run++)
        {
            versions.Add(await ClosedLoop.RunAsync("GET /versions", VersionsConnections, duration, serverPid,
                (_, _) => client.VersionsAsync(CancellationToken.None), cancellationToken));
            inserts1.Add(await InsertBaseline.PostgresAsync(postgresConnectionString, 1, duration, cancellationToken));
            inserts8.Add(await InsertBaseline.PostgresAsync(postgresConnectionString, 8, duration, cancellationToken));
            batches.Add(await InsertBaseline.PostgresAsync(postgresConnectionString, 1, BatchRows, duration, cancellationToken));
            var (sign, verify) = Ed25519Rate.Measure(duration);
            signs.Add(sign);
            verifies.Add(verify);
            Console.WriteLine($"[baselines {DateTime.UtcNow:HH:mm:ss}] run {run}: versions {versions[^1].PerSecond:F0}/s, INSERT 1 client {inserts1[^1].RowsPerSecond:F0}/s, " +
                              $"8 clients {inserts8[^1].RowsPerSecond:F0}/s, batched {batches[^1].RowsPerSecond:F0} rows/s, ed25519 sign {sign:F0}/s verify {verify:F0}/s");
        }
        var versionsMedian = Medians.Of(versions);
        if (versionsMedian.Failed > 0)
            throw new InvalidOperationException($"GET /versions failed {versionsMedian.Failed} times: {versionsMedian.FirstError}");
        return new SuiteBaselines(
            versionsMedian.PerSecond, versionsMedian.Latency.P50, versionsMedian.Latency.P99, VersionsConnections,
            Medians.Of(inserts1.Select(r => r.RowsPerSecond)), Medians.Of(inserts8.Select(r => r.RowsPerSecond)),
            Medians.Of(batches.Select(r => r.RowsPerSecond)), inserts1[0].Tool,
            Medians.Of(signs), Medians.Of(verifies));
    }

    public static string Section(SuiteBaselines b, int runs, TimeSpan duration, string commandLine)
    {
        var text = new StringBuilder();
        text.AppendLine("## Baselines").AppendLine();
        text.AppendLine($"Command: `{commandLine}`. The machine's own limits, measured in this run; every ratio in the sections below refers to these figures. " +
                        $"Each is the median of {runs} measurement(s) of {duration.TotalSeconds:F0} s.").AppendLine();
        text.AppendLine("| baseline | rate | p50 ms | p99 ms | how |");
        text.AppendLine("|---|---:|---:|---:|---|");
        text.AppendLine($"| Kestrel `GET /_matrix/client/versions`, {b.VersionsConnections} connections | {F0(b.VersionsPerSecond)} req/s | {F1(b.VersionsP50Ms)} | {F1(b.VersionsP99Ms)} | the homeserver's Release build, closed loop over HTTP/1.1 keep-alive |");
        text.AppendLine($"| PostgreSQL single-row durable INSERT, 1 client | {F0(b.InsertsPerSecond1)} rows/s | | | {b.InsertTool}, one row per committed transaction |");
        text.AppendLine($"| PostgreSQL single-row durable INSERT, 8 clients | {F0(b.InsertsPerSecond8)} rows/s | | | {b.InsertTool}, one row per committed transaction |");
        text.AppendLine($"| PostgreSQL {BatchRows}-row batched INSERT, 1 client | {F0(b.BatchRowsPerSecond)} rows/s | | | {b.InsertTool}, {BatchRows} rows per committed transaction |");
        text.AppendLine($"| ed25519 sign (NSec, one thread) | {F0(b.Ed25519SignsPerSecond)} /s | | | 600-byte message |");
        text.AppendLine($"| ed25519 verify (NSec, one thread) | {F0(b.Ed25519VerifiesPerSecond)} /s | | | 600-byte message |");
        text.AppendLine();
        return text.ToString();
    }

    private static string F0(double value) => double.IsNaN(value) ? "-" : value.ToString("N0", CultureInfo.InvariantCulture);
    private static string F1(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", CultureInfo.InvariantCulture);
}
