using System.Diagnostics;

namespace Homeserver.LoadTest;

/// <summary>
/// One backend's run against a homeserver that is already up (issue #11, workloads 1 and 2):
/// accounts and rooms, the baselines (or the suite's), sends at each client count into each room
/// count, sync wake-ups idle and under load, and the server's memory with many idle long-polls.
/// Every workload runs <see cref="LoadTestOptions.Runs"/> times; the medians are reported.
/// </summary>
public sealed class SendSyncBenchmark(LoadTestOptions options)
{
    /// <summary>Rooms the wake-up's background load sends into (fewer when the run has fewer rooms).</summary>
    private const int WakeupLoadRooms = 10;

    private readonly string _run = DateTime.UtcNow.ToString("HHmmss");

    public async Task<BackendResults> RunAsync(CancellationToken cancellationToken)
    {
        if (options.PostgresConnectionString is { } connectionString)
            CpuSample.DatabaseName = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database;
        var loadAverageAtStart = LoadAverage.Read();
        var loadRooms = Math.Min(WakeupLoadRooms, options.Rooms.Max());
        var senderCount = Math.Max(options.Clients.Max(), options.LoadClients);
        var idleCount = Math.Max(options.IdlePolls, options.LoadClients);
        var roomCount = Math.Max(options.Rooms.Max(), loadRooms);
        using var setupClient = new MatrixClient(options.ServerUrl, 8);
        var setupStarted = Stopwatch.GetTimestamp();
        Log($"registering {senderCount} senders, {idleCount} idle syncers and 2 wake-up users");
        var senders = await RegisterAsync(setupClient, "send", senderCount, cancellationToken);
        var idlers = await RegisterAsync(setupClient, "idle", idleCount, cancellationToken);
        var wakeUsers = await RegisterAsync(setupClient, "wake", 2, cancellationToken);
        var (alice, bob) = (wakeUsers[0], wakeUsers[1]);

        var memberships = RoomAssignment.Memberships(options.Clients.Append(options.LoadClients), options.Rooms.Append(loadRooms))
            .Where(m => m.Client != 0).ToList();
        Log($"creating {roomCount} rooms and making {memberships.Count} joins");
        var rooms = new List<string>();
        for (var r = 0; r < roomCount; r++)
            rooms.Add(await setupClient.CreateRoomAsync(senders[0], $"load {r}", cancellationToken));
        await ForEachAsync(memberships, 8, m => setupClient.JoinAsync(senders[m.Client], rooms[m.Room], cancellationToken));
        var wakeRoom = await setupClient.CreateRoomAsync(alice, "wake-up", cancellationToken);
        await setupClient.JoinAsync(bob, wakeRoom, cancellationToken);
        var setupTime = Stopwatch.GetElapsedTime(setupStarted);
        Log($"setup done in {setupTime.TotalSeconds:F1} s");

        var versions = await VersionsBaselineAsync(cancellationToken);
        var (inserts, insertsFromSuite) = await InsertBaselinesAsync(cancellationToken);

        // A short warm-up so the first measured sends do not pay for JIT compilation and connection setup.
        using (var warmup = new MatrixClient(options.ServerUrl, 8))
            await ClosedLoop.RunAsync("warm-up", 8, TimeSpan.FromSeconds(2), options.ServerPid,
                (c, s) => warmup.SendMessageAsync(senders[0], rooms[(int)(s % roomCount)], $"{_run}-warm-{c}-{s}", "warm-up", CancellationToken.None),
                cancellationToken);

        var sends = new Dictionary<int, IReadOnlyList<LoadResult>>();
        foreach (var roomsUsed in options.Rooms)
        {
            var results = new List<LoadResult>();
            foreach (var clients in options.Clients)
                results.Add(await RepeatedAsync(() => SendLoadAsync(senders, rooms, roomsUsed, clients, options.Duration,
                    $"PUT send, {roomsUsed} room(s)", cancellationToken)));
            sends[roomsUsed] = results;
        }

        var databasePerSend = await MeasureDatabaseWorkPerSendAsync(senders[0], rooms[0], cancellationToken);

        using var aliceClient = new MatrixClient(options.ServerUrl, 2);
        using var bobClient = new MatrixClient(options.ServerUrl, 2);
        var probe = new WakeupProbe(aliceClient, bobClient, alice, bob, wakeRoom);
        var loaded = $"{options.LoadClients} clients sending into {loadRooms} other rooms";
        var wakeupIdlers = idlers.Take(options.LoadClients).ToList();
        var wakeups = new List<WakeupResult>
        {
            await RepeatedWakeupAsync(() => WakeupAsync(probe, "idle", senders, rooms, loadRooms, idlers: null, cancellationToken)),
            await RepeatedWakeupAsync(() => WakeupAsync(probe, loaded, senders, rooms, loadRooms, idlers: null, cancellationToken)),
            await RepeatedWakeupAsync(() => WakeupAsync(probe, $"{loaded} + {options.LoadClients} idle long-polling users",
                senders, rooms, loadRooms, wakeupIdlers, cancellationToken)),
        };
        var idlePolls = await MeasureIdlePollMemoryAsync(idlers.Take(options.IdlePolls).ToList(), cancellationToken);
        return new BackendResults(options, versions, inserts, insertsFromSuite, sends, databasePerSend, wakeups, idlePolls, loadRooms,
            setupTime, loadAverageAtStart, LoadAverage.Read());
    }

    private async Task<VersionsBaseline> VersionsBaselineAsync(CancellationToken cancellationToken)
    {
        if (options.Baselines is { } suite)
            return new VersionsBaseline(suite.VersionsConnections, suite.VersionsPerSecond, suite.VersionsP50Ms, suite.VersionsP99Ms, FromSuite: true);
        const int connections = BaselinesBenchmark.VersionsConnections;
        using var client = new MatrixClient(options.ServerUrl, connections);
        var result = await RepeatedAsync(() => ClosedLoop.RunAsync("GET /versions", connections, options.Duration, options.ServerPid,
            (_, _) => client.VersionsAsync(CancellationToken.None), cancellationToken));
        return new VersionsBaseline(connections, result.PerSecond, result.Latency.P50, result.Latency.P99, FromSuite: false);
    }

    /// <summary>
    /// The durable single-row INSERT rate at 1 and 8 clients: the suite's PostgreSQL figures when
    /// given (postgres backend), else measured on this backend's database.
    /// </summary>
    private async Task<(IReadOnlyList<InsertBaseline.Result> Inserts, bool FromSuite)> InsertBaselinesAsync(CancellationToken cancellationToken)
    {
        if (options.Backend == "postgres" && options.Baselines is { } suite)
            return ([new InsertBaseline.Result(suite.InsertTool, 1, suite.InsertsPerSecond1), new InsertBaseline.Result(suite.InsertTool, 8, suite.InsertsPerSecond8)], true);
        var inserts = new List<InsertBaseline.Result>();
        foreach (var clients in new[] { 1, 8 })
        {
            var runs = new List<InsertBaseline.Result>();
            for (var run = 0; run < options.Runs; run++)
                runs.Add(options.Backend == "postgres"
                    ? await InsertBaseline.PostgresAsync(options.PostgresConnectionString!, clients, options.Duration, cancellationToken)
                    : await InsertBaseline.SqliteAsync(options.SqliteBaselinePath!, clients, options.Duration, cancellationToken));
            var result = runs[0] with { RowsPerSecond = Medians.Of(runs.Select(r => r.RowsPerSecond)) };
            Log($"{result.Tool}, {clients} client(s): {result.RowsPerSecond:F0} rows/s");
            inserts.Add(result);
        }
        return (inserts, false);
    }

    private async Task<LoadResult> RepeatedAsync(Func<Task<LoadResult>> measure)
    {
        var runs = new List<LoadResult>();
        for (var run = 0; run < options.Runs; run++)
            runs.Add(Logged(await measure()));
        return Medians.Of(runs);
    }

    private async Task<WakeupResult> RepeatedWakeupAsync(Func<Task<WakeupResult>> measure)
    {
        var runs = new List<WakeupResult>();
        for (var run = 0; run < options.Runs; run++)
            runs.Add(await measure());
        return Medians.Of(runs);
    }

    /// <summary>Client i is sender i; it sends round-robin over its rooms among the first <paramref name="roomsUsed"/> (see <see cref="RoomAssignment"/>).</summary>
    private Task<LoadResult> SendLoadAsync(
        IReadOnlyList<MatrixUser> senders, IReadOnlyList<string> rooms, int roomsUsed, int clients, TimeSpan duration, string workload,
        CancellationToken cancellationToken)
    {
        var client = new MatrixClient(options.ServerUrl, clients);
        var roomsOf = Enumerable.Range(0, clients).Select(c => RoomAssignment.RoomsOf(c, clients, roomsUsed).Select(r => rooms[r]).ToArray()).ToArray();
        var tag = $"{_run}-{roomsUsed}r-{clients}c-{Guid.NewGuid():N}";
        return RunThenDispose();

        async Task<LoadResult> RunThenDispose()
        {
            using (client)
                return await ClosedLoop.RunAsync(workload, clients, duration, options.ServerPid,
                    (c, s) => client.SendMessageAsync(senders[c], roomsOf[c][(int)(s % roomsOf[c].Length)], $"{tag}-{c}-{s}",
                        $"load message {s} from client {c}", CancellationToken.None),
                    cancellationToken);
        }
    }

    /// <summary>
    /// Wake-up samples, idle or while the background senders load other rooms (and, with
    /// <paramref name="idlers"/>, while those users hold long-polls that nothing should wake).
    /// </summary>
    private async Task<WakeupResult> WakeupAsync(
        WakeupProbe probe, string condition, IReadOnlyList<MatrixUser> senders, IReadOnlyList<string> rooms, int loadRooms,
        IReadOnlyList<MatrixUser>? idlers, CancellationToken cancellationToken)
    {
        var loaded = condition != "idle";
        Log($"wake-up: {condition}");
        using var stopBackground = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var idleClient = new MatrixClient(options.ServerUrl, Math.Max(1, idlers?.Count ?? 1));
        var idling = idlers is null ? Task.CompletedTask : Task.WhenAll(idlers.Select(u => IdleSyncAsync(idleClient, u, null, stopBackground.Token)));
        Task<LoadResult>? load = null;
        if (loaded)
        {
            load = SendLoadAsync(senders, rooms, loadRooms, options.LoadClients, TimeSpan.FromHours(1), $"background send, {loadRooms} rooms", stopBackground.Token);
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

    /// <summary>
    /// The server's resident memory idle, then while each idle user holds a long-poll open (issue
    /// #11, workload 2). The polls count as held once their initial sync returned and the long-poll
    /// request was sent; the memory is read after a pause for the server to park them.
    /// </summary>
    private async Task<IdlePollMemory?> MeasureIdlePollMemoryAsync(IReadOnlyList<MatrixUser> idlers, CancellationToken cancellationToken)
    {
        if (options.ServerPid is not { } pid || idlers.Count == 0)
            return null;
        Log($"memory with {idlers.Count} idle long-polls");
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var (idle, _) = ProcessMemory.Read(pid);
        var socketsBefore = ProcessMemory.Sockets(pid);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var client = new MatrixClient(options.ServerUrl, idlers.Count);
        using var parked = new CountdownEvent(idlers.Count);
        var polls = Task.WhenAll(idlers.Select(u => IdleSyncAsync(client, u, parked, stop.Token)));
        var waited = Stopwatch.StartNew();
        while (!parked.IsSet && waited.Elapsed < TimeSpan.FromSeconds(120))
            await Task.Delay(100, cancellationToken);
        // The server has accepted the connections once it holds a socket for each (or nearly: a slow machine).
        while (socketsBefore >= 0 && ProcessMemory.Sockets(pid) - socketsBefore < idlers.Count * 0.95 && waited.Elapsed < TimeSpan.FromSeconds(120))
            await Task.Delay(100, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var (held, peak) = ProcessMemory.Read(pid);
        var sockets = ProcessMemory.Sockets(pid) - socketsBefore;
        var count = idlers.Count - parked.CurrentCount;
        await stop.CancelAsync();
        await polls;
        var result = new IdlePollMemory(idlers.Count, count, sockets, idle, held, peak);
        Log($"  RSS idle {idle:F0} MiB, with {count} of {idlers.Count} long-polls ({sockets} more server sockets) {held:F0} MiB " +
            $"({result.KiBPerPoll:F1} KiB per poll), peak {peak:F0} MiB");
        return result;
    }

    /// <summary>A user in no busy room holding long-polls until stopped: any wake-up of it is wasted work for the server.</summary>
    /// <remarks>A failed sync (the server overloaded) is retried after a pause, from a fresh initial sync.</remarks>
    private static async Task IdleSyncAsync(MatrixClient client, MatrixUser user, CountdownEvent? parked, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var since = (await client.SyncAsync(user, null, 0, stop))["next_batch"]!.GetValue<string>();
                while (!stop.IsCancellationRequested)
                {
                    var poll = client.SyncAsync(user, since, 30_000, stop);
                    if (parked is { IsSet: false })
                    {
                        parked.Signal();
                        parked = null;
                    }
                    since = (await poll)["next_batch"]!.GetValue<string>();
                }
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
        if (options.PostgresConnectionString is not { } connectionString || options.DatabaseWorkSends == 0)
            return null;
        var sends = options.DatabaseWorkSends;
        Log($"database work of {sends} sends (waits for PostgreSQL's statistics)");
        using var client = new MatrixClient(options.ServerUrl, 1);
        var before = await DatabaseWork.ReadAsync(connectionString, cancellationToken);
        for (var i = 0; i < sends; i++)
            await client.SendMessageAsync(sender, roomId, $"{_run}-db-{i}", $"database work {i}", cancellationToken);
        var work = (await DatabaseWork.ReadAsync(connectionString, cancellationToken)).Since(before);
        Log($"  per send: {work.Commits / (double)sends:F1} transactions, {work.RowsWritten / (double)sends:F1} rows written, " +
            $"{work.RowsRead / (double)sends:F0} rows read");
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
