using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Homeserver.Storage.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.Rooms;

/// <summary>
/// A pipeline of the local server <c>a.test</c> over a store, with <c>b.test</c> as a remote server
/// whose key the pipeline knows; remote events are built and signed as <c>b.test</c> would.
/// </summary>
internal sealed class PipelineHarness
{
    public const string LocalServer = "a.test";
    public const string RemoteServer = "b.test";
    public const string Alice = "@alice:a.test";
    public const string Bob = "@bob:b.test";
    public const string Carol = "@carol:b.test";

    public PipelineHarness(IRoomEventStore store, RoomEventPipelineOptions? options = null)
    {
        Store = store;
        Pipeline = NewPipeline(store, Notifier, options);
        RemoteBuilder = new LocalEventBuilder(new ServerIdentity(RemoteServer, KeyOf(RemoteServer)), TimeProvider.System);
    }

    public IRoomEventStore Store { get; }
    public InProcessRoomEventNotifier Notifier { get; } = new();
    public RoomEventPipeline Pipeline { get; }
    public LocalEventBuilder RemoteBuilder { get; }

    /// <summary>A fixed key per server, so that runs are reproducible.</summary>
    public static SigningKey KeyOf(string server) => SigningKey.FromSeed("k1", SHA256.HashData(Encoding.UTF8.GetBytes(server)));

    /// <summary>Another pipeline (as another process would run) of the local server over the same store.</summary>
    public static RoomEventPipeline NewPipeline(IRoomEventStore store, IRoomEventNotifier notifier, RoomEventPipelineOptions? options = null)
    {
        options ??= new RoomEventPipelineOptions();
        var identity = new ServerIdentity(LocalServer, KeyOf(LocalServer));
        var keys = new FixedServerKeys(new Dictionary<string, IReadOnlyList<VerifyKey>>
        {
            [RemoteServer] = [VerifyKey.FromSigningKey(KeyOf(RemoteServer))],
        });
        return new RoomEventPipeline(store, keys, identity, notifier, new LocalEventBuilder(identity, TimeProvider.System),
            new PduCache(options.PduCacheSize), options, NullLogger<RoomEventPipeline>.Instance);
    }

    /// <summary>Power levels giving Bob 50 (Alice 100 where the version does not make creators all-powerful).</summary>
    public static JsonObject PowerLevels(RoomVersion version)
    {
        var users = new JsonObject { [Bob] = 50 };
        if (!version.Rules.CreatorsHaveInfinitePower) users[Alice] = 100;
        return new JsonObject { ["users"] = users };
    }

    /// <summary>A public room of Alice's: create, her join, power levels, join rules.</summary>
    public async Task<string> CreateRoomAsync(RoomVersion version)
    {
        var created = await Pipeline.CreateRoomAsync(version, Alice, null, CancellationToken.None);
        created.CreateEvent.Outcome.Should().Be(RoomEventOutcome.Accepted, created.CreateEvent.Reason);
        var roomId = created.RoomId;
        (await SendAsync(roomId, "m.room.member", new JsonObject { ["membership"] = "join" }, Alice)).Outcome.Should().Be(RoomEventOutcome.Accepted);
        (await SendAsync(roomId, "m.room.power_levels", PowerLevels(version), "")).Outcome.Should().Be(RoomEventOutcome.Accepted);
        (await SendAsync(roomId, "m.room.join_rules", new JsonObject { ["join_rule"] = "public" }, "")).Outcome.Should().Be(RoomEventOutcome.Accepted);
        return roomId;
    }

    public Task<RoomEventResult> SendAsync(string roomId, string type, JsonObject content, string? stateKey = null, string sender = Alice,
        ClientTransactionKey? transaction = null) =>
        Pipeline.SendAsync(new LocalEventDraft(roomId, type, stateKey, sender, content), transaction, CancellationToken.None);

    public Task<RoomEventResult> MessageAsync(string roomId, string body, string sender = Alice, ClientTransactionKey? transaction = null) =>
        SendAsync(roomId, "m.room.message", new JsonObject { ["msgtype"] = "m.text", ["body"] = body }, null, sender, transaction);

    public async Task<RoomVersion> VersionOfAsync(string roomId) =>
        RoomVersionRegistry.Find((await Store.GetRoomAsync(roomId, CancellationToken.None))!.RoomVersion)!;

    /// <summary>A stored event as a PDU.</summary>
    public async Task<Pdu> EventAsync(string eventId, RoomVersion version) =>
        StoredPduLoader.FromRecord((await Store.GetEventAsync(eventId, CancellationToken.None))!, version).Pdu;

    /// <summary>
    /// An event of <c>b.test</c> on top of <paramref name="prevEvents"/> (default: the room's forward
    /// extremities), with auth events from the state after the first prev event.
    /// </summary>
    public async Task<Pdu> BuildRemoteAsync(string roomId, string type, string sender, JsonObject content, string? stateKey = null,
        IReadOnlyList<string>? prevEvents = null)
    {
        var version = await VersionOfAsync(roomId);
        prevEvents ??= await Store.GetForwardExtremitiesAsync(roomId, CancellationToken.None);
        var prevs = new List<Pdu>();
        foreach (var id in prevEvents) prevs.Add(await EventAsync(id, version));
        var stateAfter = (await Store.GetStateAfterAsync(prevEvents[0], CancellationToken.None))!;
        var state = new Dictionary<TypeStateKey, Pdu>();
        foreach (var ((t, k), id) in stateAfter) state[new TypeStateKey(t, k)] = await EventAsync(id, version);
        return RemoteBuilder.Build(version, new LocalEventDraft(roomId, type, stateKey, sender, content), prevs, state);
    }

    public Task<RoomEventResult> ReceiveAsync(Pdu pdu) => ReceiveJsonAsync(pdu.Json, pdu.RoomVersion);

    public Task<RoomEventResult> ReceiveJsonAsync(JsonObject json, RoomVersion version) =>
        Pipeline.ReceiveAsync(CanonicalJson.Encode(json), version, CancellationToken.None);

    public async Task<Dictionary<(string, string), string>> CurrentStateAsync(string roomId) =>
        new(await Store.GetCurrentStateAsync(roomId, CancellationToken.None));

    public async Task<IReadOnlyList<string>> ExtremitiesAsync(string roomId) =>
        await Store.GetForwardExtremitiesAsync(roomId, CancellationToken.None);
}
