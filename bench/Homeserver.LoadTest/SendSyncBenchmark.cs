using System.Diagnostics;

namespace Homeserver.LoadTest;

/// <summary>
/// One backend's run against a homeserver that is already up: accounts and rooms, the baselines
/// (<c>/versions</c> and the database's single-row insert rate), sends at each client count into 1
/// and 10 rooms, and sync wake-ups idle and under load.
/// </summary>
public sealed class SendSyncBenchmark(LoadTestOptions options)
{
    /// <summary>Rooms of the "10 rooms" send variant; the "1 room" variant uses the first.</summary>
    private const int LoadRooms = 10;
    /// <summary>Senders of the load that runs during the wake-up measurement, and idle long-polls of its last variant.</summary>
    private const int BackgroundClients = 64;
    /// <summary>Sends whose database work is counted.</summary>
    public const int DatabaseWorkSends = 200;

    private readonly string _run = DateTime.UtcNow.ToString("HHmmss");

    public async Task<BackendResults> RunAsync(CancellationToken cancellationToken)
    {
        if (options.PostgresConnectionString is { } connectionString)
            CpuSample.DatabaseName = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database;
        var loadAverageAtStart = LoadAverage.Read();
        var maxClients = Math.Max(options.Clients.Max(), BackgroundClients);
        using var setupClient = new MatrixClient(options.ServerUrl, 8);
        var setupStarted = Stopwatch.GetTimestamp();
        Log($"registering {maxClients} senders, {BackgroundClients} idle syncers and 2 wake-up users");
        var senders = await RegisterAsync(setupClient, "send", maxClients, cancellationToken);
        var idlers = await RegisterAsync(setupClient, "idle", BackgroundClients, cancellationToken);
        var wakeUsers = await RegisterAsync(setupClient, "wake", 2, cancellationToken);
        var (alice, bob) = (wakeUsers[0], wakeUsers[1]);

        Log($"creating {LoadRooms} rooms and joining every sender to each");
        var rooms = new List<string>();
        for (var r = 0; r < LoadRooms; r++)
            rooms.Add(await setupClient.CreateRoomAsync(senders[0], $"load {r}", cancellationToken));
        await ForEachAsync(senders.Skip(1).SelectMany(s => rooms.Select(r => (s, r))), 8,
            join => setupClient.JoinAsync(join.s, join.r, cancellationToken));
        var wakeRoom = await setupClient.CreateRoomAsync(alice, "wake-up", cancellationToken);
        await setupClient.JoinAsync(bob, wakeRoom, cancellationToken);
        var setupTime = Stopwatch.GetElapsedTime(setupStarted);
        Log($"setup done in {setupTime.TotalSeconds:F1} s");

        var versions = new List<LoadResult>();
        foreach (var clients in options.Clients)
        {
            using var client = new MatrixClient(options.ServerUrl, clients);
            var result = await ClosedLoop.RunAsync("GET /versions", clients, options.Duration, options.ServerPid,
                (_, _) => client.VersionsAsync(CancellationToken.None), cancellationToken);
            versions.Add(Logged(result));
        }

        var inserts = new List<InsertBaseline.Result>();
        foreach (var clients in new[] { 1, 8 })
        {
            var result = options.Backend == "postgres"
                ? await InsertBaseline.PostgresAsync(options.PostgresConnectionString!, clients, options.Duration, cancellationToken)
                : await InsertBaseline.SqliteAsync(options.SqliteBaselinePath!, clients, options.Duration, cancellationToken);
            Log($"{result.Tool}, {clients} client(s): {result.RowsPerSecond:F0} rows/s");
            inserts.Add(result);
        }

        // A short warm-up so the first measured sends do not pay for JIT compilation and connection setup.
        using (var warmup = new MatrixClient(options.ServerUrl, 8))
            await ClosedLoop.RunAsync("warm-up", 8, TimeSpan.FromSeconds(2), options.ServerPid,
                (c, s) => warmup.SendMessageAsync(senders[c], rooms[c % LoadRooms], $"{_run}-warm-{c}-{s}", "warm-up", CancellationToken.None),
                cancellationToken);

        var sends = new Dictionary<int, IReadOnlyList<LoadResult>>();
        foreach (var roomCount in new[] { 1, LoadRooms })
        {
            var results = new List<LoadResult>();
            foreach (var clients in options.Clients)
                results.Add(Logged(await SendLoadAsync(senders, rooms.Take(roomCount).ToList(), clients, options.Duration,
                    $"PUT send, {roomCount} room(s)", cancellationToken)));
            sends[roomCount] = results;
        }

        var databasePerSend = await MeasureDatabaseWorkPerSendAsync(senders[0], rooms[0], cancellationToken);

        using var aliceClient = new MatrixClient(options.ServerUrl, 2);
        using var bobClient = new MatrixClient(options.ServerUrl, 2);
        var probe = new WakeupProbe(aliceClient, bobClient, alice, bob, wakeRoom);
        var wakeups = new List<WakeupResult>
        {
            await WakeupAsync(probe, "idle", senders, rooms, idlers: null, cancellationToken),
            await WakeupAsync(probe, $"{BackgroundClients} clients sending into {LoadRooms} other rooms", senders, rooms, idlers: null, cancellationToken),
            await WakeupAsync(probe, $"{BackgroundClients} clients sending into {LoadRooms} other rooms + {BackgroundClients} idle long-polling users",
                senders, rooms, idlers, cancellationToken),
        };
        return new BackendResults(options, versions, inserts, sends, databasePerSend, wakeups, setupTime, loadAverageAtStart, LoadAverage.Read());
    }

    /// <summary>Client i is sender i; its sends go round-robin over the rooms, starting at room i.</summary>
    private Task<LoadResult> SendLoadAsync(
        IReadOnlyList<MatrixUser> senders, IReadOnlyList<string> rooms, int clients, TimeSpan duration, string workload,
        CancellationToken cancellationToken)
    {
        var client = new MatrixClient(options.ServerUrl, clients);
        var tag = $"{_run}-{rooms.Count}r-{clients}c-{Guid.NewGuid():N}";
        return RunThenDispose();

        async Task<LoadResult> RunThenDispose()
        {
            using (client)
                return await ClosedLoop.RunAsync(workload, clients, duration, options.ServerPid,
                    (c, s) => client.SendMessageAsync(senders[c], rooms[(int)((c + s) % rooms.Count)], $"{tag}-{c}-{s}",
                        $"load message {s} from client {c}", CancellationToken.None),
                    cancellationToken);
        }
    }

    /// <summary>
    /// Wake-up samples, idle or while the background senders load other rooms (and, with
    /// <paramref name="idlers"/>, while those users hold long-polls that nothing should wake).
    /// </summary>
    private async Task<WakeupResult> WakeupAsync(
        WakeupProbe probe, string condition, IReadOnlyList<MatrixUser> senders, IReadOnlyList<string> rooms,
        IReadOnlyList<MatrixUser>? idlers, CancellationToken cancellationToken)
    {
        var loaded = condition != "idle";
        Log($"wake-up: {condition}");
        using var stopBackground = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var idleClient = new MatrixClient(options.ServerUrl, BackgroundClients);
        var idling = idlers is null ? Task.CompletedTask : Task.WhenAll(idlers.Select(u => IdleSyncAsync(idleClient, u, stopBackground.Token)));
        Task<LoadResult>? load = null;
        if (loaded)
        {
            load = SendLoadAsync(senders, rooms, BackgroundClients, TimeSpan.FromHours(1), $"background send, {rooms.Count} rooms", stopBackground.Token);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
        // Under load the server takes longer to accept and park a request, so the pause is longer.
        var (fromStart, fromResponse, extra) = await probe.RunAsync(
            options.WakeupSamples, options.WakeupMaxTime, TimeSpan.FromMilliseconds(loaded ? 100 : 30), condition, cancellationToken);
        await stopBackground.CancelAsync();
        var loadResult = load is null ? null : Logged(await load);
        await idling;
        var result = new WakeupResult(condition, LatencySummary.Of(fromStart), LatencySummary.Of(fromResponse), extra, loadResult);
        Log($"  from send start p50 {result.FromSendStart.P50:F1} ms p99 {result.FromSendStart.P99:F1} ms; " +
            $"from send response p50 {result.FromSendResponse.P50:F1} ms p99 {result.FromSendResponse.P99:F1} ms; extra sync responses {extra}");
        return result;
    }

    /// <summary>A user in no busy room holding long-polls until stopped: any wake-up of it is wasted work for the server.</summary>
    /// <remarks>A failed sync (the server overloaded) is retried after a pause, from a fresh initial sync.</remarks>
    private static async Task IdleSyncAsync(MatrixClient client, MatrixUser user, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var since = (await client.SyncAsync(user, null, 0, stop))["next_batch"]!.GetValue<string>();
                while (!stop.IsCancellationRequested)
                    since = (await client.SyncAsync(user, since, 30_000, stop))["next_batch"]!.GetValue<string>();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped: the open long-poll is abandoned.
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                Console.WriteLine($"  idle sync of {user.UserId} failed, retrying: {e.Message}");
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
        }
    }

    private async Task<List<MatrixUser>> RegisterAsync(MatrixClient client, string prefix, int count, CancellationToken cancellationToken)
    {
        var users = new MatrixUser[count];
        await ForEachAsync(Enumerable.Range(0, count), 8, async i =>
            users[i] = await client.RegisterAsync($"{prefix}{_run}x{i}", "load test password", cancellationToken));
        return users.ToList();
    }

    /// <summary>PostgreSQL only: the database's work for a fixed number of sends by one client, on a quiet server.</summary>
    private async Task<DatabaseWork?> MeasureDatabaseWorkPerSendAsync(MatrixUser sender, string roomId, CancellationToken cancellationToken)
    {
        if (options.PostgresConnectionString is not { } connectionString)
            return null;
        Log($"database work of {DatabaseWorkSends} sends (waits for PostgreSQL's statistics)");
        using var client = new MatrixClient(options.ServerUrl, 1);
        var before = await DatabaseWork.ReadAsync(connectionString, cancellationToken);
        for (var i = 0; i < DatabaseWorkSends; i++)
            await client.SendMessageAsync(sender, roomId, $"{_run}-db-{i}", $"database work {i}", cancellationToken);
        var work = (await DatabaseWork.ReadAsync(connectionString, cancellationToken)).Since(before);
        Log($"  per send: {work.Commits / (double)DatabaseWorkSends:F1} transactions, {work.RowsWritten / (double)DatabaseWorkSends:F1} rows written, " +
            $"{work.RowsRead / (double)DatabaseWorkSends:F0} rows read; most read: " +
            string.Join(", ", work.MostRead(4).Select(t => $"{t.Table} ({t.Reads.SequentialScans} seq scans, {t.Reads.SequentialRows} seq rows, {t.Reads.IndexRows} index rows)")));
        return work;
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, int parallelism, Func<T, Task> action) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (item, _) => await action(item));

    private LoadResult Logged(LoadResult result)
    {
        Log($"{result.Workload}, {result.Clients} client(s): {result.PerSecond:F0}/s, p50 {result.Latency.P50:F1} ms, " +
            $"p99 {result.Latency.P99:F1} ms, failed {result.Failed}, server CPU {result.ServerCpuPercent:F0} %, database CPU {result.DatabaseCpuPercent:F0} %, machine {result.MachineCpuPercent:F0} %" +
            (result.FirstError is null ? "" : $"; first error: {result.FirstError}"));
        return result;
    }

    private void Log(string message) => Console.WriteLine($"[{options.Backend} {DateTime.UtcNow:HH:mm:ss}] {message}");
}
