using System.Globalization;
using System.Text;

namespace Homeserver.LoadTest;

/// <summary>Writes one backend's results as a markdown section: baselines, sends, wake-ups and the issue's targets.</summary>
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
        var backendName = o.Backend == "postgres" ? "PostgreSQL" : "SQLite";
        text.AppendLine($"## {backendName}").AppendLine();
        text.AppendLine($"Each closed-loop workload ran {o.Duration.TotalSeconds:F0} s; wake-ups are up to {o.WakeupSamples} samples per condition " +
                        $"(fewer when {o.WakeupMaxTime.TotalSeconds:F0} s ran out first). " +
                        $"Setup (registrations, 10 rooms, every sender joined to each) took {results.SetupTime.TotalSeconds:F1} s. " +
                        $"Load average (1, 5, 15 min) at the start: {results.LoadAverageAtStart}; at the end: {results.LoadAverageAtEnd}.").AppendLine();

        text.AppendLine("### Baselines").AppendLine();
        text.AppendLine("| workload | clients | rate | p50 ms | p99 ms | failed | server CPU (% of a core) | database CPU (% of a core) | machine busy (% of all cores) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results.Versions)
            text.AppendLine($"| `GET /_matrix/client/versions` | {r.Clients} | {F0(r.PerSecond)} req/s | {F1(r.Latency.P50)} | {F1(r.Latency.P99)} | {r.Failed} | {F0(r.ServerCpuPercent)} | {F0(r.DatabaseCpuPercent)} | {F0(r.MachineCpuPercent)} |");
        foreach (var r in results.Inserts)
            text.AppendLine($"| {backendName} single-row durable INSERT ({r.Tool}) | {r.Clients} | {F0(r.RowsPerSecond)} rows/s | | | | | | |");
        text.AppendLine();

        text.AppendLine("### Send: `PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}`").AppendLine();
        text.AppendLine("Each client is its own user with its own access token; with 10 rooms, client i sends round-robin over the rooms starting at room i.").AppendLine();
        text.AppendLine("| rooms | clients | events/s | p50 ms | p99 ms | failed | server CPU (% of a core) | database CPU (% of a core) | machine busy (%) | send / versions rate | send / single-row INSERT rate |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (rooms, sends) in results.SendsByRoomCount)
        foreach (var r in sends)
        {
            var versions = results.Versions.FirstOrDefault(v => v.Clients == r.Clients);
            var insert = results.Inserts.FirstOrDefault(i => i.Clients == r.Clients);
            text.AppendLine($"| {rooms} | {r.Clients} | {F0(r.PerSecond)} | {F1(r.Latency.P50)} | {F1(r.Latency.P99)} | {r.Failed} | " +
                            $"{F0(r.ServerCpuPercent)} | {F0(r.DatabaseCpuPercent)} | {F0(r.MachineCpuPercent)} | {Share(r.PerSecond, versions?.PerSecond)} | {Share(r.PerSecond, insert?.RowsPerSecond)} |");
        }
        var errors = results.SendsByRoomCount.Values.SelectMany(s => s).Where(r => r.FirstError is not null).ToList();
        foreach (var r in errors)
            text.AppendLine().Append($"First error of {r.Workload}, {r.Clients} clients: `{r.FirstError}`");
        text.AppendLine().AppendLine();
        if (results.DatabaseWorkOfSends is { } work)
        {
            const int sends = SendSyncBenchmark.DatabaseWorkSends;
            text.AppendLine($"Database work of one send (PostgreSQL's `pg_stat_database` over {sends} sequential sends by one client into one room, on an otherwise quiet server): " +
                            $"{F1(work.Commits / (double)sends)} transactions (read-only ones included), {F1(work.RowsWritten / (double)sends)} rows inserted, updated or deleted, " +
                            $"{F0(work.RowsRead / (double)sends)} rows read. Tables read most, per send: " +
                            string.Join("; ", work.MostRead(4).Select(t =>
                                $"`{t.Table}` {F1(t.Reads.SequentialScans / (double)sends)} sequential scans reading {F0(t.Reads.SequentialRows / (double)sends)} rows, " +
                                $"{F0(t.Reads.IndexRows / (double)sends)} rows by index")) + ".").AppendLine();
        }

        text.AppendLine("### Sync wake-up").AppendLine();
        text.AppendLine("User B holds `GET /sync?since=<its previous next_batch>&timeout=30000`; user A sends a message into their shared room; " +
                        "one sample is the time until B's sync response holding that message arrives, measured from the start of A's send " +
                        "and from A's send response (negative when the sync answered before the send did). " +
                        "Background senders are other users in the 10 load rooms, which A and B are not in; idle long-polling users are in no room at all, " +
                        "so nothing they may see changes.").AppendLine();
        text.AppendLine("| condition | samples | from send start p50 / p99 ms | from send response p50 / p99 ms | max ms (from start) | sync responses without the event | background events/s | background send p99 ms | server CPU (%) | database CPU (%) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var w in results.Wakeups)
            text.AppendLine($"| {w.Condition} | {w.FromSendStart.Count} | {F1(w.FromSendStart.P50)} / {F1(w.FromSendStart.P99)} | " +
                            $"{F1(w.FromSendResponse.P50)} / {F1(w.FromSendResponse.P99)} | {F1(w.FromSendStart.Max)} | {w.ExtraSyncResponses} | " +
                            $"{(w.Load is null ? "-" : F0(w.Load.PerSecond))} | {(w.Load is null ? "-" : F1(w.Load.Latency.P99))} | {(w.Load is null ? "-" : F0(w.Load.ServerCpuPercent))} | {(w.Load is null ? "-" : F0(w.Load.DatabaseCpuPercent))} |");
        text.AppendLine();

        text.AppendLine("### Targets (issues #5 and #11)").AppendLine();
        text.AppendLine("| target | measured | met |");
        text.AppendLine("|---|---|---|");
        var at64 = results.SendsByRoomCount.Select(kv => (Rooms: kv.Key, Result: kv.Value.FirstOrDefault(r => r.Clients == 64))).Where(x => x.Result is not null).ToList();
        if (at64.Count > 0)
        {
            var best = at64.Max(x => x.Result!.PerSecond);
            var note = o.Backend == "postgres" ? "" : " (the target is stated for PostgreSQL)";
            text.AppendLine($"| ≥ 1,000 durable messages/s at 64 clients{note} | {string.Join(", ", at64.Select(x => $"{F0(x.Result!.PerSecond)}/s into {x.Rooms} room(s)"))} | {Met(best >= TargetSendsAt64)} |");
        }
        var idle = results.Wakeups.FirstOrDefault(w => w.Load is null);
        if (idle is not null)
            text.AppendLine($"| wake-up p99 < {TargetWakeupIdleMs:F0} ms idle | {F1(idle.FromSendResponse.P99)} ms from send response; {F1(idle.FromSendStart.P99)} ms from send start | {Met(idle.FromSendResponse.P99 < TargetWakeupIdleMs)} (from response); {Met(idle.FromSendStart.P99 < TargetWakeupIdleMs)} (from start) |");
        foreach (var loaded in results.Wakeups.Where(w => w.Load is not null))
            text.AppendLine($"| wake-up p99 < {TargetWakeupLoadedMs:F0} ms under load: {loaded.Condition} | {F1(loaded.FromSendResponse.P99)} ms from send response; {F1(loaded.FromSendStart.P99)} ms from send start | {Met(loaded.FromSendResponse.P99 < TargetWakeupLoadedMs)} (from response); {Met(loaded.FromSendStart.P99 < TargetWakeupLoadedMs)} (from start) |");
        var insertAt8 = results.Inserts.FirstOrDefault(i => i.Clients == 8);
        var sendsAt8 = results.SendsByRoomCount.Select(kv => (Rooms: kv.Key, Result: kv.Value.FirstOrDefault(r => r.Clients == 8))).Where(x => x.Result is not null).ToList();
        if (insertAt8 is not null && sendsAt8.Count > 0)
            text.AppendLine($"| send at 8 clients ≥ {TargetShareOfInsertRate:P0} of the single-row durable INSERT rate at 8 clients ({F0(insertAt8.RowsPerSecond)} rows/s, {insertAt8.Tool}) | " +
                            $"{string.Join(", ", sendsAt8.Select(x => $"{Share(x.Result!.PerSecond, insertAt8.RowsPerSecond)} into {x.Rooms} room(s)"))} | " +
                            $"{Met(sendsAt8.Max(x => x.Result!.PerSecond) >= TargetShareOfInsertRate * insertAt8.RowsPerSecond)} |");
        text.AppendLine();
        return text.ToString();
    }

    /// <summary>The file's head: what the machine is, when, and the command that produced it.</summary>
    public static string Header(string commandLine)
    {
        var text = new StringBuilder();
        text.AppendLine("# Send and sync wake-up load test results").AppendLine();
        text.AppendLine("Generated by `bench/run-send-sync` (harness: `bench/Homeserver.LoadTest/`): the Release build of the homeserver runs as a " +
                        "separate process on a generated config (registration open, rate limits out of the way, bcrypt_rounds 4, log_level Warning) " +
                        "and a fresh database, and the harness drives it over HTTP/1.1 keep-alive connections from the same machine. " +
                        "Every workload has its baseline from the same run next to it.").AppendLine();
        text.AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine($"- Command: `{commandLine}`");
        text.AppendLine($"- Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGiB()} GiB memory, {Environment.OSVersion}, .NET {Environment.Version}");
        text.AppendLine($"- Load average when the report was written: {LoadAverage.Read()}");
        text.AppendLine();
        return text.ToString();
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    private static string MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kib is null ? "?" : (double.Parse(kib, CultureInfo.InvariantCulture) / 1024 / 1024).ToString("F1", CultureInfo.InvariantCulture);
    }

    private static string F0(double value) => double.IsNaN(value) ? "-" : value.ToString("N0", CultureInfo.InvariantCulture);
    private static string F1(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", CultureInfo.InvariantCulture);
    private static string Share(double value, double? of) => of is > 0 ? (value / of.Value).ToString("P1", CultureInfo.InvariantCulture) : "-";
    private static string Met(bool met) => met ? "yes" : "**no**";
}
