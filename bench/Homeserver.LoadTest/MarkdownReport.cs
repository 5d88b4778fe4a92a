using System.Globalization;
using System.Text;

namespace Homeserver.LoadTest;

/// <summary>
/// Writes the send and sync report: one backend's results as a <c>###</c> section (baselines,
/// sends, wake-ups, memory, targets), and the <c>##</c> section around them.
/// </summary>
public static class MarkdownReport
{
    private const double TargetSendsAt64 = 1000;
    private const double TargetWakeupIdleMs = 10;
    private const double TargetWakeupLoadedMs = 50;
    private const double TargetShareOfInsertRate = 0.40;

    public static string Section(BackendResults results)
    {
        var o = results.Options;
        var text = new StringBuilder();
        var backendName = BackendName(o.Backend);
        text.AppendLine($"### {backendName}").AppendLine();
        text.AppendLine($"Each closed-loop workload ran {o.Duration.TotalSeconds:F0} s, {o.Runs} time(s) (medians below); wake-ups are up to {o.WakeupSamples} samples per condition and run " +
                        $"(fewer when {o.WakeupMaxTime.TotalSeconds:F0} s ran out first). " +
                        $"Setup (registrations, rooms, joins) took {results.SetupTime.TotalSeconds:F1} s. " +
                        $"Load average (1, 5, 15 min) at the start: {results.LoadAverageAtStart}; at the end: {results.LoadAverageAtEnd}.").AppendLine();

        var v = results.Versions;
        var insertAt8 = results.Inserts.FirstOrDefault(i => i.Clients == 8);
        text.AppendLine("#### Baselines").AppendLine();
        if (v.FromSuite && results.InsertsFromSuite)
            text.AppendLine("From the suite's Baselines section (same run).").AppendLine();
        else
        {
            text.AppendLine("| baseline | rate | p50 ms | p99 ms | source |");
            text.AppendLine("|---|---:|---:|---:|---|");
            text.AppendLine($"| `GET /_matrix/client/versions`, {v.Connections} connections | {F0(v.PerSecond)} req/s | {F1(v.P50Ms)} | {F1(v.P99Ms)} | {(v.FromSuite ? "the suite's Baselines section" : "measured here")} |");
            foreach (var r in results.Inserts)
                text.AppendLine($"| {(results.InsertsFromSuite ? "PostgreSQL" : backendName)} single-row durable INSERT, {r.Clients} client(s) | {F0(r.RowsPerSecond)} rows/s | | | {r.Tool}, {(results.InsertsFromSuite ? "the suite's Baselines section" : "measured here")} |");
            text.AppendLine();
        }

        text.AppendLine("#### Workload 1, send: `PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}`").AppendLine();
        text.AppendLine("Each client is its own user with its own access token. With m = min(clients, rooms), client c sends round-robin over the rooms r with " +
                        "r mod m = c mod m, so every room gets traffic. Ratios: events/s over the single-row durable INSERT rate at 8 clients " +
                        $"({F0(insertAt8?.RowsPerSecond ?? double.NaN)} rows/s) and over `/versions` at {v.Connections} connections ({F0(v.PerSecond)} req/s).").AppendLine();
        text.AppendLine("| rooms | clients | events/s | p50 ms | p99 ms | failed | server CPU (% of a core) | database CPU (% of a core) | machine busy (%) | / INSERT rate at 8 clients | / versions rate |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (rooms, sends) in results.SendsByRoomCount)
        foreach (var r in sends)
            text.AppendLine($"| {rooms} | {r.Clients} | {F0(r.PerSecond)} | {F1(r.Latency.P50)} | {F1(r.Latency.P99)} | {r.Failed} | " +
                            $"{F0(r.ServerCpuPercent)} | {F0(r.DatabaseCpuPercent)} | {F0(r.MachineCpuPercent)} | {Share(r.PerSecond, insertAt8?.RowsPerSecond)} | {Share(r.PerSecond, v.PerSecond)} |");
        foreach (var r in results.SendsByRoomCount.Values.SelectMany(s => s).Where(r => r.FirstError is not null))
            text.AppendLine().Append($"First error of {r.Workload}, {r.Clients} clients: `{r.FirstError}`");
        text.AppendLine().AppendLine();
        if (results.DatabaseWorkOfSends is { } work)
        {
            var sends = o.DatabaseWorkSends;
            text.AppendLine($"Database work of one send (PostgreSQL's `pg_stat_database` over {sends} sequential sends by one client into one room, on an otherwise quiet server): " +
                            $"{F1(work.Commits / (double)sends)} transactions (read-only ones included), {F1(work.RowsWritten / (double)sends)} rows inserted, updated or deleted, " +
                            $"{F0(work.RowsRead / (double)sends)} rows read. Tables read most, per send: " +
                            string.Join("; ", work.MostRead(4).Select(t =>
                                $"`{t.Table}` {F1(t.Reads.SequentialScans / (double)sends)} sequential scans reading {F0(t.Reads.SequentialRows / (double)sends)} rows, " +
                                $"{F0(t.Reads.IndexRows / (double)sends)} rows by index")) + ".").AppendLine();
        }

        text.AppendLine("#### Workload 2, sync wake-up").AppendLine();
        text.AppendLine("User B holds `GET /sync?since=<its previous next_batch>&timeout=30000`; user A sends a message into their shared room; " +
                        "one sample is the time until B's sync response holding that message arrives, measured from the start of A's send " +
                        "and from A's send response (negative when the sync answered before the send did). " +
                        $"Background senders are other users sending into {results.WakeupLoadRooms} load rooms, which A and B are not in; idle long-polling users are in no room at all, " +
                        $"so nothing they may see changes. Baseline: `/versions` p99 at {v.Connections} connections, {F1(v.P99Ms)} ms.").AppendLine();
        text.AppendLine("| condition | samples | from send start p50 / p99 ms | from send response p50 / p99 ms | max ms (from start) | sync responses without the event | background events/s | background send p99 ms | p99 (from response) / versions p99 |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var w in results.Wakeups)
            text.AppendLine($"| {w.Condition} | {w.FromSendStart.Count} | {F1(w.FromSendStart.P50)} / {F1(w.FromSendStart.P99)} | " +
                            $"{F1(w.FromSendResponse.P50)} / {F1(w.FromSendResponse.P99)} | {F1(w.FromSendStart.Max)} | {w.ExtraSyncResponses} | " +
                            $"{(w.Load is null ? "-" : F0(w.Load.PerSecond))} | {(w.Load is null ? "-" : F1(w.Load.Latency.P99))} | {Times(w.FromSendResponse.P99, v.P99Ms)} |");
        text.AppendLine();
        if (results.IdlePolls is { } m)
        {
            text.AppendLine("Memory (the server's resident set size from `/proc/<pid>/status`; baseline: the same server idle just before):").AppendLine();
            text.AppendLine("| idle long-polls held | more server sockets open | RSS idle MiB (baseline) | RSS with the polls MiB | ratio | per poll KiB | peak RSS so far MiB |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            text.AppendLine($"| {m.Parked} of {m.Polls} | {m.ServerSockets} | {F0(m.IdleResidentMiB)} | {F0(m.HeldResidentMiB)} | {Times(m.HeldResidentMiB, m.IdleResidentMiB)} | {F1(m.KiBPerPoll)} | {F0(m.PeakMiB)} |");
            text.AppendLine();
        }

        var targets = Targets(results);
        if (targets.Count > 0)
        {
            text.AppendLine("#### Targets").AppendLine();
            text.AppendLine("| issue | target | measured | met |");
            text.AppendLine("|---:|---|---|---|");
            foreach (var t in targets)
                text.AppendLine($"| #{t.Issue} | {t.Target} | {t.Measured} | {(t.Met ? "yes" : "**no**")} |");
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>The issues' targets for this workload; stated for PostgreSQL, so only its results are checked.</summary>
    public static List<(int Issue, string Target, string Measured, bool Met)> Targets(BackendResults results)
    {
        var targets = new List<(int, string, string, bool)>();
        if (results.Options.Backend != "postgres")
            return targets;
        var insertAt8 = results.Inserts.FirstOrDefault(i => i.Clients == 8);
        var sendsAt8 = At(results, 8);
        if (insertAt8 is not null && sendsAt8.Count > 0)
            targets.Add((11, $"send at 8 clients ≥ {TargetShareOfInsertRate:P0} of the PostgreSQL single-row durable INSERT rate at 8 clients",
                $"{string.Join(", ", sendsAt8.Select(x => $"{F0(x.Result.PerSecond)}/s = {Share(x.Result.PerSecond, insertAt8.RowsPerSecond)} into {x.Rooms} room(s)"))} of {F0(insertAt8.RowsPerSecond)} rows/s",
                sendsAt8.Max(x => x.Result.PerSecond) >= TargetShareOfInsertRate * insertAt8.RowsPerSecond));
        var sendsAt64 = At(results, 64);
        if (sendsAt64.Count > 0)
            targets.Add((5, $"≥ {TargetSendsAt64:N0} durable messages/s at 64 clients (PostgreSQL)",
                string.Join(", ", sendsAt64.Select(x => $"{F0(x.Result.PerSecond)}/s into {x.Rooms} room(s)")),
                sendsAt64.Max(x => x.Result.PerSecond) >= TargetSendsAt64));
        if (results.Wakeups.FirstOrDefault(w => w.Load is null) is { } idle)
            targets.Add((11, $"sync wake-up p99 < {TargetWakeupIdleMs:F0} ms idle",
                $"{F1(idle.FromSendResponse.P99)} ms from the send response ({F1(idle.FromSendStart.P99)} ms from the send start)",
                idle.FromSendResponse.P99 < TargetWakeupIdleMs));
        if (results.Wakeups.FirstOrDefault(w => w.Load is not null) is { } loaded)
            targets.Add((11, $"sync wake-up p99 < {TargetWakeupLoadedMs:F0} ms under load ({loaded.Condition})",
                $"{F1(loaded.FromSendResponse.P99)} ms from the send response ({F1(loaded.FromSendStart.P99)} ms from the send start)",
                loaded.FromSendResponse.P99 < TargetWakeupLoadedMs));
        return targets;
    }

    /// <summary>The <c>##</c> section: what the workloads are, the command, then each backend's <c>###</c> section.</summary>
    public static string Wrap(string commandLine, IEnumerable<string> backendSections)
    {
        var text = new StringBuilder();
        text.AppendLine("## Send throughput and sync wake-up (workloads 1 and 2)").AppendLine();
        text.AppendLine($"Command: `{commandLine}`. Harness: `bench/Homeserver.LoadTest/`. The homeserver, published in Release as ReadyToRun (`bench/publish-server`), runs as a " +
                        "separate process on a generated config (registration open, rate limits out of the way, bcrypt_rounds 4, log_level Warning) " +
                        "and a fresh database, and the harness drives it over HTTP/1.1 keep-alive connections from the same machine.").AppendLine();
        foreach (var section in backendSections)
            text.Append(section);
        return text.ToString();
    }

    /// <summary>The head of the standalone results file: what the machine is and when.</summary>
    public static string Header()
    {
        var text = new StringBuilder();
        text.AppendLine("# Send and sync wake-up load test results").AppendLine();
        text.AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine($"- Machine: {MachineDescription.Line()}");
        text.AppendLine($"- Load average when the report was written: {LoadAverage.Read()}");
        text.AppendLine();
        return text.ToString();
    }

    private static List<(int Rooms, LoadResult Result)> At(BackendResults results, int clients) =>
        results.SendsByRoomCount
            .Select(kv => (Rooms: kv.Key, Result: kv.Value.FirstOrDefault(r => r.Clients == clients)))
            .Where(x => x.Result is not null)
            .Select(x => (x.Rooms, x.Result!))
            .ToList();

    private static string BackendName(string backend) => backend == "postgres" ? "PostgreSQL" : "SQLite";

    private static string F0(double value) => double.IsNaN(value) ? "-" : value.ToString("N0", CultureInfo.InvariantCulture);
    private static string F1(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", CultureInfo.InvariantCulture);
    private static string Share(double value, double? of) => of is > 0 ? (value / of.Value).ToString("P1", CultureInfo.InvariantCulture) : "-";
    private static string Times(double value, double of) => of > 0 && !double.IsNaN(value) ? (value / of).ToString("F1", CultureInfo.InvariantCulture) + "×" : "-";
}
