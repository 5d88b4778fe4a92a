using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.CapacityBench;

/// <summary>
/// Fills the server's database before the server process starts, through the server's own room
/// pipeline in this process (same database, same server name and signing key as the server's
/// config): every event is built, signed, authorised and persisted as the server itself would, but
/// without HTTP, and with large per-room batches (many events of a room queued at once are written
/// in one transaction), which is what makes 10^6 events take minutes instead of hours.
/// </summary>
public sealed class Seeder : IAsyncDisposable
{
    /// <summary>Events of one room queued at once (the pipeline writes them in batches of <see cref="MaxBatchSize"/>).</summary>
    private const int QueuedPerRoom = 1000;
    private const int MaxBatchSize = 250;
    /// <summary>Events per transaction of <see cref="BulkMessagesAsync"/>.</summary>
    private const int BulkBatchSize = 200;
    /// <summary>
    /// Rooms written to in parallel. Few: every transaction holds the events stream's counter row from taking its
    /// positions to its commit, so more writers only queue on that lock (past the command timeout on a loaded machine).
    /// </summary>
    private const int ParallelRooms = 3;

    private readonly IDatabase _database;
    private readonly ServiceProvider _services;
    private readonly RoomEventPipeline _pipeline;
    private readonly IRoomEventStore _store;
    private readonly LocalEventBuilder _builder;
    private readonly string _serverName;
    private int _roomCounter;

    private Seeder(IDatabase database, ServiceProvider services, string serverName)
    {
        _database = database;
        _services = services;
        _pipeline = services.GetRequiredService<RoomEventPipeline>();
        _store = services.GetRequiredService<IRoomEventStore>();
        _builder = services.GetRequiredService<LocalEventBuilder>();
        _serverName = serverName;
    }

    public IDatabase Database => _database;

    public static async Task<Seeder> OpenAsync(StorageOptions storage, string serverName, SigningKey key, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        // Big batches on a busy machine may wait on the events stream's lock longer than Npgsql's default 30 s.
        if (storage.PostgresConnectionString is { } connection)
            storage = storage with { PostgresConnectionString = connection + ";Command Timeout=600" };
        var database = await HomeserverStorage.OpenAsync(storage, loggerFactory, cancellationToken);
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddHomeserverStorage(database);
        services.AddSingleton(new ServerIdentity(serverName, key));
        services.AddRoomEventPipeline(options => options.MaxBatchSize = MaxBatchSize);
        return new Seeder(database, services.BuildServiceProvider(), serverName);
    }

    public string UserId(string localpart) => $"@{localpart}:{_serverName}";

    /// <summary>
    /// A public room as the server's <c>createRoom</c> with the public_chat preset makes it (create, the
    /// creator's join, power levels, join rules, history visibility, guest access, name), then the members' joins.
    /// </summary>
    public async Task<string> CreateRoomAsync(string creator, IReadOnlyList<string> members, CancellationToken cancellationToken)
    {
        var index = Interlocked.Increment(ref _roomCounter);
        // v12 room ids hash the create event: a distinct content keeps rooms made in the same millisecond apart.
        var created = await _pipeline.CreateRoomAsync(RoomVersion.V12, creator, new JsonObject { ["io.bench.seed"] = index }, cancellationToken);
        Check(created.CreateEvent, "create");
        var roomId = created.RoomId;
        await SendAsync(roomId, "m.room.member", creator, creator, new JsonObject { ["membership"] = "join" }, cancellationToken);
        await SendAsync(roomId, "m.room.power_levels", "", creator, new JsonObject
        {
            ["users"] = new JsonObject(), ["users_default"] = 0, ["events_default"] = 0, ["state_default"] = 50,
            ["ban"] = 50, ["kick"] = 50, ["redact"] = 50, ["invite"] = 0,
        }, cancellationToken);
        await SendAsync(roomId, "m.room.join_rules", "", creator, new JsonObject { ["join_rule"] = "public" }, cancellationToken);
        await SendAsync(roomId, "m.room.history_visibility", "", creator, new JsonObject { ["history_visibility"] = "shared" }, cancellationToken);
        await SendAsync(roomId, "m.room.guest_access", "", creator, new JsonObject { ["guest_access"] = "forbidden" }, cancellationToken);
        await SendAsync(roomId, "m.room.name", "", creator, new JsonObject { ["name"] = $"Bench room {index}" }, cancellationToken);
        await InParallelAsync(roomId, members.Where(m => m != creator).Distinct().ToList(),
            member => (roomId, "m.room.member", member, member, new JsonObject { ["membership"] = "join" }), cancellationToken);
        return roomId;
    }

    /// <summary>Text messages from the given senders in turn.</summary>
    public Task SendMessagesAsync(string roomId, IReadOnlyList<string> senders, int count, CancellationToken cancellationToken) =>
        InParallelAsync(roomId, Enumerable.Range(0, count).ToList(), i => (roomId, "m.room.message", null, senders[i % senders.Count],
            new JsonObject { ["msgtype"] = "m.text", ["body"] = MessageBody(i) }),
            cancellationToken);

    /// <summary>
    /// Text messages written the fast way, for the big sizes: each event is built and signed by the
    /// server's <see cref="LocalEventBuilder"/> on top of the previous one (prev event, auth events,
    /// depth, hashes, event id exactly as the pipeline builds them), and written through the store's
    /// batch persist (<see cref="IRoomEventStore.PersistAsync"/>) in transactions of
    /// <see cref="BulkBatchSize"/> events with the room's current state as their state before. What
    /// this skips is the pipeline's per-event authorisation, which a message of a joined member passes.
    /// </summary>
    public async Task BulkMessagesAsync(string roomId, IReadOnlyList<string> senders, int count, CancellationToken cancellationToken)
    {
        var state = await _store.GetCurrentStateAsync(roomId, cancellationToken);
        var stateEvents = new Dictionary<TypeStateKey, Pdu>();
        foreach (var record in await _store.GetEventsAsync(state.Values.ToList(), cancellationToken))
        {
            var pdu = Pdu.FromJson(JsonNode.Parse(record.Json)!.AsObject(), RoomVersion.V12, record.EventId);
            stateEvents[pdu.StateEntryKey] = pdu;
        }
        var extremities = await _store.GetForwardExtremitiesAsync(roomId, cancellationToken);
        if (extremities.Count != 1)
            throw new InvalidOperationException($"seeding: room {roomId} has {extremities.Count} forward extremities, expected one");
        var prev = (await _store.GetEventsAsync(extremities, cancellationToken))
            .Select(r => Pdu.FromJson(JsonNode.Parse(r.Json)!.AsObject(), RoomVersion.V12, r.EventId)).Single();
        for (var start = 0; start < count; start += BulkBatchSize)
        {
            var batch = new List<EventToPersist>();
            var expected = prev.EventId;
            for (var i = start; i < Math.Min(count, start + BulkBatchSize); i++)
            {
                var draft = new LocalEventDraft(roomId, "m.room.message", null, senders[i % senders.Count],
                    new JsonObject { ["msgtype"] = "m.text", ["body"] = MessageBody(i) });
                var pdu = _builder.Build(RoomVersion.V12, draft, [prev], stateEvents);
                batch.Add(new EventToPersist(pdu.EventId, pdu.RoomId, pdu.Type, pdu.StateKey, pdu.Sender, pdu.Depth, pdu.OriginServerTs,
                    CanonicalJson.Encode(pdu.Json), pdu.PrevEvents, pdu.AuthEvents, null, IsOutlier: false, RejectionReason: null,
                    IsSoftFailed: false, StateBefore: state));
                prev = pdu;
            }
            await _store.PersistAsync(new RoomEventBatch(roomId, batch, [expected], [prev.EventId], NewCurrentState: null), cancellationToken);
        }
    }

    private static string MessageBody(int i) => $"Message {i} of the capacity benchmark, about as long as a chat line.";

    /// <summary>State changes: members change their display name in turn (each a new m.room.member event).</summary>
    public Task SendProfileChangesAsync(string roomId, IReadOnlyList<string> members, int count, CancellationToken cancellationToken) =>
        InParallelAsync(roomId, Enumerable.Range(0, count).ToList(), i => (roomId, "m.room.member", members[i % members.Count],
            members[i % members.Count], new JsonObject { ["membership"] = "join", ["displayname"] = $"Member {i % members.Count} v{i}" }),
            cancellationToken);

    /// <summary>Runs <paramref name="work"/> for many rooms, <see cref="ParallelRooms"/> at a time.</summary>
    public static async Task ForRoomsAsync<T>(IReadOnlyList<T> items, Func<T, Task> work)
    {
        using var gate = new SemaphoreSlim(ParallelRooms);
        await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                await work(item);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Queues the events of one room in chunks, so the room's writer takes them in big batches.</summary>
    private async Task InParallelAsync<T>(string roomId, IReadOnlyList<T> items,
        Func<T, (string RoomId, string Type, string? StateKey, string Sender, JsonObject Content)> draft, CancellationToken cancellationToken)
    {
        foreach (var chunk in items.Chunk(QueuedPerRoom))
        {
            var sends = chunk.Select(item =>
            {
                var d = draft(item);
                return _pipeline.SendAsync(new LocalEventDraft(d.RoomId, d.Type, d.StateKey, d.Sender, d.Content), null, cancellationToken);
            }).ToList();
            foreach (var result in await Task.WhenAll(sends))
                Check(result, $"event in {roomId}");
        }
    }

    private async Task SendAsync(string roomId, string type, string? stateKey, string sender, JsonObject content, CancellationToken cancellationToken) =>
        Check(await _pipeline.SendAsync(new LocalEventDraft(roomId, type, stateKey, sender, content), null, cancellationToken), $"{type} in {roomId}");

    private static void Check(RoomEventResult result, string what)
    {
        if (!result.IsAccepted)
            throw new InvalidOperationException($"seeding: {what} was not accepted: {result.Outcome} {result.Rule} {result.Reason}");
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }
}
