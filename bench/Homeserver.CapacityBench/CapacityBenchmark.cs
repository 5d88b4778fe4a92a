using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Homeserver.LoadTest;

namespace Homeserver.CapacityBench;

/// <summary>
/// Workloads 3, 7 and 8 of issue #11 on one backend, in the order that lets each phase reuse the
/// previous one's database: start-ups and idle memory of an empty ASP.NET app and of the server on an
/// empty database; 10^4 registrations; seeding (server stopped); start-ups, memory and initial syncs
/// on the seeded database.
/// </summary>
public sealed class CapacityBenchmark(CapacityOptions options)
{
    /// <summary>Left after a start before reading "idle" memory: start-up work settles, no requests meanwhile.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private const int RegistrationClients = 16;
    private const string SyncFilter = """{"room":{"timeline":{"limit":10}}}""";

    private readonly CapacityResults _results = new(options);
    private ServerConfig _config = null!;
    private string _log = "";

    public async Task<CapacityResults> RunAsync(CancellationToken cancellationToken)
    {
        _config = ServerConfig.Write(options);
        _log = Path.Combine(options.WorkDirectory, "server.log");
        _results.LoadAverageAtStart = LoadAverage.Read();

        await EmptyAspNetAsync(cancellationToken);
        var users = await EmptyServerAndRegistrationsAsync(cancellationToken);
        await SeedAsync(cancellationToken);
        await SeededServerAsync(users, cancellationToken);

        _results.LoadAverageAtEnd = LoadAverage.Read();
        return _results;
    }

    /// <summary>The baseline process: an ASP.NET Core app with one endpoint, with the server's garbage collector settings.</summary>
    private async Task EmptyAspNetAsync(CancellationToken cancellationToken)
    {
        var harness = typeof(CapacityBenchmark).Assembly.Location;
        for (var run = 0; run < options.Runs; run++)
        {
            var port = ServerConfig.FreePort();
            await using var app = await ServerProcess.StartAsync(harness, ["--empty-aspnet", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                new Uri($"http://127.0.0.1:{port}"), _log, ServerGcEnvironment(), cancellationToken);
            _results.EmptyAspNet.Add(await IdleSampleAsync(app, cancellationToken));
        }
        Console.WriteLine($"  empty ASP.NET app: start-up {Median(_results.EmptyAspNet, s => s.StartupMs):F0} ms, idle RSS {Mb(Median(_results.EmptyAspNet, s => s.IdleRssBytes))} MB");
    }

    /// <summary>
    /// The first start (migrations), start-ups on the empty database, then the registrations; returns the
    /// access tokens of the sync users (registered too, after the 10^4).
    /// </summary>
    private async Task<Dictionary<string, MatrixUser>> EmptyServerAndRegistrationsAsync(CancellationToken cancellationToken)
    {
        await using (var first = await StartServerAsync(cancellationToken))
        {
            _results.FirstStartMs = first.StartupTime.TotalMilliseconds;
            _results.PeakResetWorks = ProcessMemory.ResetPeak(first.Pid);
        }
        for (var run = 0; run < options.Runs; run++)
        {
            await using var server = await StartServerAsync(cancellationToken);
            _results.EmptyDatabase.Add(await IdleSampleAsync(server, cancellationToken));
        }
        Console.WriteLine($"  server, empty database: first start {_results.FirstStartMs:F0} ms, start-up {Median(_results.EmptyDatabase, s => s.StartupMs):F0} ms, " +
                          $"idle RSS {Mb(Median(_results.EmptyDatabase, s => s.IdleRssBytes))} MB");

        var syncUsers = new Dictionary<string, MatrixUser>(StringComparer.Ordinal);
        await using (var server = await StartServerAsync(cancellationToken))
        {
            using var client = new MatrixClient(server.BaseUrl, RegistrationClients);
            var started = Stopwatch.GetTimestamp();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, RegistrationClients).Select(async _ =>
            {
                for (var i = Interlocked.Increment(ref next); i < options.Users; i = Interlocked.Increment(ref next))
                    await client.RegisterAsync($"user{i}", "capacity-bench-password", cancellationToken);
            }));
            _results.RegistrationSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            _results.RegisteredUsers = options.Users;
            await Task.Delay(Settle, cancellationToken);
            _results.RssAfterRegistration = ProcessMemory.ResidentBytes(server.Pid);
            foreach (var localpart in SyncUserLocalparts())
                syncUsers[localpart] = await client.RegisterAsync(localpart, "capacity-bench-password", cancellationToken);
        }
        for (var run = 0; run < options.Runs; run++)
        {
            await using var server = await StartServerAsync(cancellationToken);
            _results.WithUsers.Add(await IdleSampleAsync(server, cancellationToken));
        }
        Console.WriteLine($"  {options.Users} registrations in {_results.RegistrationSeconds:F1} s: RSS right after {Mb(_results.RssAfterRegistration)} MB, " +
                          $"idle after a restart {Mb(Median(_results.WithUsers, s => s.IdleRssBytes))} MB");
        return syncUsers;
    }

    /// <summary>The users whose initial syncs are measured: one per room count per group, and one in no room.</summary>
    private IEnumerable<string> SyncUserLocalparts() =>
        options.Sizes.SelectMany((group, g) => group.SyncRoomCounts.Select(n => SyncUser(g, n))).Append("sync_none");

    private static string SyncUser(int group, int rooms) => $"sync_g{group}_r{rooms}";

    /// <summary>Seeds the rooms with the server stopped, measuring the database's growth per message and per state change.</summary>
    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var seeder = await Seeder.OpenAsync(_config.Storage, _config.ServerName, _config.SigningKey, cancellationToken);
        await using var probe = await DatabaseProbe.OpenAsync(_config.Storage, cancellationToken);
        var creator = seeder.UserId("creator");
        string[] senders = [creator, seeder.UserId("chat_a"), seeder.UserId("chat_b")];

        var rooms = new List<(string RoomId, int Messages)>();
        for (var g = 0; g < options.Sizes.Count; g++)
        {
            var group = options.Sizes[g];
            var groupRooms = new string[group.Rooms];
            var counts = group.SyncRoomCounts;
            var index = g;
            await Seeder.ForRoomsAsync(Enumerable.Range(0, group.Rooms).ToList(), async i =>
            {
                var members = senders.Concat(counts.Where(n => i < n).Select(n => seeder.UserId(SyncUser(index, n)))).ToList();
                groupRooms[i] = await seeder.CreateRoomAsync(creator, members, cancellationToken);
            });
            rooms.AddRange(groupRooms.Select(r => (r, group.EventsPerRoom)));
        }
        Console.WriteLine($"  seeding: {rooms.Count} rooms created in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");

        var beforeMessages = await probe.SizeBytesAsync(cancellationToken);
        var messagesStarted = Stopwatch.GetTimestamp();
        await Seeder.ForRoomsAsync(rooms, room => seeder.BulkMessagesAsync(room.RoomId, senders, room.Messages, cancellationToken));
        _results.MessageSeedingSeconds = Stopwatch.GetElapsedTime(messagesStarted).TotalSeconds;
        _results.SeededMessages = rooms.Sum(r => (long)r.Messages);
        _results.MessageBytes = await probe.SizeBytesAsync(cancellationToken) - beforeMessages;
        Console.WriteLine($"  seeding: {_results.SeededMessages} messages in {_results.MessageSeedingSeconds:F0} s " +
                          $"({_results.SeededMessages / _results.MessageSeedingSeconds:F0}/s), {_results.MessageBytes / (double)_results.SeededMessages:F0} bytes each");

        foreach (var memberCount in options.StateRoomMembers)
        {
            var members = Enumerable.Range(0, memberCount).Select(i => seeder.UserId($"member{i}")).ToList();
            var roomId = await seeder.CreateRoomAsync(members[0], members, cancellationToken);
            var bytes = await probe.SizeBytesAsync(cancellationToken);
            var entries = await probe.CountAsync("state_group_entries", cancellationToken);
            var groups = await probe.CountAsync("state_groups", cancellationToken);
            await seeder.SendProfileChangesAsync(roomId, members, options.StateChanges, cancellationToken);
            _results.StateGrowth.Add(new StateGrowth(memberCount, options.StateChanges,
                await probe.SizeBytesAsync(cancellationToken) - bytes,
                await probe.CountAsync("state_group_entries", cancellationToken) - entries,
                await probe.CountAsync("state_groups", cancellationToken) - groups));
        }
        foreach (var growth in _results.StateGrowth)
            Console.WriteLine($"  state: {growth.Changes} changes in a room of {growth.Members}: {growth.Bytes / (double)growth.Changes:F0} bytes, " +
                              $"{growth.StateGroupEntries / (double)growth.Changes:F1} state_group_entries rows each");

        await SeedForStartupAsync(seeder, probe, creator, senders, cancellationToken);
        _results.StoredEvents = await probe.CountAsync("events", cancellationToken);
        _results.SeedingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// Tops the database up to <see cref="CapacityOptions.StartupEvents"/> stored events for the start-up measurement:
    /// rooms of the three senders with <see cref="CapacityOptions.StartupRoomEvents"/> messages each, made like the
    /// measured rooms (pipeline for the room, the server's builder and batch persist for the messages). No sync user
    /// is in them, so the initial syncs measure what they did before; the bytes per event were measured before them.
    /// </summary>
    private async Task SeedForStartupAsync(Seeder seeder, DatabaseProbe probe, string creator, IReadOnlyList<string> senders,
        CancellationToken cancellationToken)
    {
        var missing = options.StartupEvents - await probe.CountAsync("events", cancellationToken);
        if (missing <= 0) return;
        var started = Stopwatch.GetTimestamp();
        // A room's creation adds its state and joins too, so count on the messages alone: at least the events asked for.
        var perRoom = (int)Math.Min(CapacityOptions.StartupRoomEvents, missing);
        var roomCount = (int)((missing + perRoom - 1) / perRoom);
        var rooms = new string[roomCount];
        await Seeder.ForRoomsAsync(Enumerable.Range(0, roomCount).ToList(), async i => rooms[i] = await seeder.CreateRoomAsync(creator, senders, cancellationToken));
        await Seeder.ForRoomsAsync(rooms, room => seeder.BulkMessagesAsync(room, senders, perRoom, cancellationToken));
        _results.StartupBulkRooms = roomCount;
        _results.StartupBulkMessages = (long)roomCount * perRoom;
        _results.StartupBulkSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"  seeding for the start-up: {_results.StartupBulkMessages} messages in {roomCount} rooms in {_results.StartupBulkSeconds:F0} s");
    }

    /// <summary>Start-ups on the seeded database; on the first, the search index catch-up, idle memory and the initial syncs.</summary>
    private async Task SeededServerAsync(Dictionary<string, MatrixUser> users, CancellationToken cancellationToken)
    {
        await using var probe = await DatabaseProbe.OpenAsync(_config.Storage, cancellationToken);
        var sizeBeforeIndex = await probe.SizeBytesAsync(cancellationToken);
        for (var run = 0; run < options.Runs; run++)
        {
            await using var server = await StartServerAsync(cancellationToken);
            if (run == 0)
            {
                // The server indexes stored messages for search in the background: wait for it, as a server that took
                // these events one by one would have done it meanwhile.
                var catchUp = Stopwatch.GetTimestamp();
                while (await probe.SearchIndexBacklogAsync(cancellationToken) > 0)
                {
                    if (Stopwatch.GetElapsedTime(catchUp) > TimeSpan.FromMinutes(15))
                        throw new TimeoutException("the search indexer did not catch up within 15 minutes");
                    await Task.Delay(200, cancellationToken);
                }
                _results.SearchCatchUpSeconds = Stopwatch.GetElapsedTime(catchUp).TotalSeconds;
                _results.SearchIndexBytes = await probe.SizeBytesAsync(cancellationToken) - sizeBeforeIndex;
                Console.WriteLine($"  seeded server: start-up {server.StartupTime.TotalMilliseconds:F0} ms, search index caught up in {_results.SearchCatchUpSeconds:F1} s");
            }
            _results.Seeded.Add(await IdleSampleAsync(server, cancellationToken));
            if (run == 0)
                await InitialSyncsAsync(server, probe, users, cancellationToken);
        }
        Console.WriteLine($"  seeded server ({_results.StoredEvents} events): start-up {Median(_results.Seeded, s => s.StartupMs):F0} ms, " +
                          $"idle RSS {Mb(Median(_results.Seeded, s => s.IdleRssBytes))} MB");
    }

    private async Task InitialSyncsAsync(ServerProcess server, DatabaseProbe probe, Dictionary<string, MatrixUser> users, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = server.BaseUrl,
            Timeout = TimeSpan.FromMinutes(5),
        };
        // One more sync of the user in no room first: it warms the JIT for every later one.
        await SyncAsync(http, server, users["sync_none"], 0, cancellationToken);
        _results.EmptySync = await SyncSizeAsync(http, server, probe, users["sync_none"], 0, 0, cancellationToken);
        for (var g = 0; g < options.Sizes.Count; g++)
        {
            var group = options.Sizes[g];
            foreach (var rooms in group.SyncRoomCounts)
            {
                var size = await SyncSizeAsync(http, server, probe, users[SyncUser(g, rooms)], rooms, group.EventsPerRoom, cancellationToken);
                _results.Syncs.Add(size);
                Console.WriteLine($"  initial sync, {rooms} rooms x {group.EventsPerRoom} events: {CapacityResults.Median(size.Samples.Select(s => s.Ms)):F0} ms " +
                                  $"(first {size.Samples[0].Ms:F0} ms), {size.Samples[0].Bytes} bytes, {size.DatabaseTransactions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} database transactions, peak RSS {Mb(size.Samples.Max(s => s.PeakRssBytes))} MB");
            }
        }
    }

    private async Task<SyncSize> SyncSizeAsync(HttpClient http, ServerProcess server, DatabaseProbe probe, MatrixUser user, int rooms,
        int eventsPerRoom, CancellationToken cancellationToken)
    {
        var samples = new List<SyncSample>();
        for (var run = 0; run < options.Runs; run++)
            samples.Add(await SyncAsync(http, server, user, rooms, cancellationToken));
        // The database work of one more (warm) sync: the server is otherwise idle, so the count is its alone.
        long? transactions = null;
        if (await probe.TransactionCountAsync(cancellationToken) is { })
        {
            await Task.Delay(DatabaseProbe.StatisticsDelay, cancellationToken);
            var before = await probe.TransactionCountAsync(cancellationToken);
            await SyncAsync(http, server, user, rooms, cancellationToken);
            await Task.Delay(DatabaseProbe.StatisticsDelay, cancellationToken);
            // Less the probe's own read of the count.
            transactions = await probe.TransactionCountAsync(cancellationToken) - before - 1;
        }
        return new SyncSize(rooms, eventsPerRoom, samples, transactions);
    }

    /// <summary>
    /// <c>GET /sync</c> without <c>since</c>, timeline limit 10; checks the answer holds the user's rooms with
    /// at most 10 timeline events each. The server's peak memory is reset first when the kernel allows it.
    /// </summary>
    private async Task<SyncSample> SyncAsync(HttpClient http, ServerProcess server, MatrixUser user, int expectedRooms, CancellationToken cancellationToken)
    {
        var rssBefore = ProcessMemory.ResidentBytes(server.Pid);
        ProcessMemory.ResetPeak(server.Pid);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/v3/sync?timeout=0&filter=" + Uri.EscapeDataString(SyncFilter));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var peak = ProcessMemory.PeakResidentBytes(server.Pid);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"sync of {user.UserId}: HTTP {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        var joined = JsonNode.Parse(body)?["rooms"]?["join"] as JsonObject ?? [];
        if (joined.Count != expectedRooms)
            throw new InvalidOperationException($"sync of {user.UserId}: {joined.Count} joined rooms, expected {expectedRooms}");
        foreach (var (roomId, room) in joined)
            if (room?["timeline"]?["events"] is not JsonArray timeline || timeline.Count is 0 or > 10)
                throw new InvalidOperationException($"sync of {user.UserId}: room {roomId} has no timeline of 1 to 10 events");
        return new SyncSample(elapsed.TotalMilliseconds, body.Length, rssBefore, peak);
    }

    private Task<ServerProcess> StartServerAsync(CancellationToken cancellationToken) =>
        ServerProcess.StartAsync(options.ServerDll, ["--config", _config.ConfigPath], _config.BaseUrl, _log, cancellationToken: cancellationToken);

    private static async Task<StartSample> IdleSampleAsync(ServerProcess process, CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken);
        return new StartSample(process.StartupTime.TotalMilliseconds, ProcessMemory.ResidentBytes(process.Pid));
    }

    /// <summary>The server's garbage collector mode (from its runtimeconfig.json), for the baseline app.</summary>
    private Dictionary<string, string> ServerGcEnvironment()
    {
        var runtimeConfig = Path.ChangeExtension(options.ServerDll, ".runtimeconfig.json");
        var serverGc = File.Exists(runtimeConfig)
            && JsonNode.Parse(File.ReadAllText(runtimeConfig))?["runtimeOptions"]?["configProperties"]?["System.GC.Server"] is JsonValue v
            && v.TryGetValue<bool>(out var on) && on;
        return new Dictionary<string, string> { ["DOTNET_gcServer"] = serverGc ? "1" : "0" };
    }

    private static double Median<T>(IEnumerable<T> items, Func<T, double> value) => CapacityResults.Median(items.Select(value));

    private static string Mb(double bytes) => (bytes / 1024 / 1024).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
}
