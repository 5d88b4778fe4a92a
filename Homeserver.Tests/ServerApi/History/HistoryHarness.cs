using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.History;

/// <summary>
/// Rooms of the host with members of test remote servers: local events through the pipeline,
/// remote ones built and signed as their server would and received through the pipeline, and
/// signed Server-Server requests from those servers.
/// </summary>
internal sealed class HistoryHarness
{
    private readonly TestHost _host;
    private readonly HttpClient _client;

    public HistoryHarness(TestHost host)
    {
        _host = host;
        _client = host.CreateClient();
        Rooms = new SyncTestRooms(host);
    }

    public SyncTestRooms Rooms { get; }
    public IRoomEventStore Store => _host.Services.GetRequiredService<IRoomEventStore>();
    private RoomEventPipeline Pipeline => _host.Services.GetRequiredService<RoomEventPipeline>();

    /// <summary>A remote server the host trusts.</summary>
    public TestRemoteServer NewRemote()
    {
        var remote = new TestRemoteServer($"r{Guid.NewGuid():N}"[..12] + ".test");
        _host.RemoteKeys.Add(remote.Name, remote.Key);
        return remote;
    }

    /// <summary>A public room of a new local user, with the given history visibility.</summary>
    public async Task<(string Creator, string RoomId)> RoomAsync(string historyVisibility = "shared")
    {
        var (creator, _) = await Rooms.NewUserAsync();
        var roomId = await Rooms.CreateRoomAsync(creator);
        await Rooms.SendAsync(roomId, creator, "m.room.history_visibility", new JsonObject { ["history_visibility"] = historyVisibility }, "");
        return (creator, roomId);
    }

    /// <summary>An event of the remote server's user on top of <paramref name="prevEvents"/> (default: the forward extremities).</summary>
    public async Task<Pdu> BuildRemoteAsync(TestRemoteServer remote, string roomId, string type, string sender, JsonObject content,
        string? stateKey = null, IReadOnlyList<string>? prevEvents = null)
    {
        var version = RoomVersionRegistry.Find((await Store.GetRoomAsync(roomId, CancellationToken.None))!.RoomVersion)!;
        prevEvents ??= await Store.GetForwardExtremitiesAsync(roomId, CancellationToken.None);
        var prevs = new List<Pdu>();
        foreach (var id in prevEvents) prevs.Add(await PduAsync(id, version));
        var stateAfter = (await Store.GetStateAfterAsync(prevEvents[0], CancellationToken.None))!;
        var state = new Dictionary<TypeStateKey, Pdu>();
        foreach (var ((t, k), id) in stateAfter) state[new TypeStateKey(t, k)] = await PduAsync(id, version);
        var builder = new LocalEventBuilder(new ServerIdentity(remote.Name, remote.Key), TimeProvider.System);
        return builder.Build(version, new LocalEventDraft(roomId, type, stateKey, sender, content), prevs, state);
    }

    /// <summary>Builds, receives and checks a remote event; its id.</summary>
    public async Task<string> ReceiveRemoteAsync(TestRemoteServer remote, string roomId, string type, string sender, JsonObject content,
        string? stateKey = null, IReadOnlyList<string>? prevEvents = null)
    {
        var pdu = await BuildRemoteAsync(remote, roomId, type, sender, content, stateKey, prevEvents);
        var result = await Pipeline.ReceiveAsync(pdu.Json, pdu.RoomVersion, CancellationToken.None);
        result.Outcome.Should().Be(RoomEventOutcome.Accepted, result.Reason);
        return pdu.EventId;
    }

    /// <summary>A user of the remote server joins the room; the user's id.</summary>
    public async Task<string> JoinRemoteAsync(TestRemoteServer remote, string roomId)
    {
        var user = $"@u{Guid.NewGuid():N}:{remote.Name}";
        await ReceiveRemoteAsync(remote, roomId, "m.room.member", user, new JsonObject { ["membership"] = "join" }, user);
        return user;
    }

    public Task<HttpResponseMessage> GetAsync(TestRemoteServer remote, string pathAndQuery) =>
        _client.SendAsync(remote.Request(HttpMethod.Get, pathAndQuery, TestHost.ServerName));

    public Task<HttpResponseMessage> PostAsync(TestRemoteServer remote, string pathAndQuery, JsonObject body) =>
        _client.SendAsync(remote.Request(HttpMethod.Post, pathAndQuery, TestHost.ServerName, body));

    /// <summary>A GET that must answer 200; its body.</summary>
    public async Task<JsonObject> OkAsync(TestRemoteServer remote, string pathAndQuery)
    {
        var response = await GetAsync(remote, pathAndQuery);
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        return body;
    }

    private async Task<Pdu> PduAsync(string eventId, RoomVersion version) =>
        StoredPduLoader.FromRecord((await Store.GetEventAsync(eventId, CancellationToken.None))!, version).Pdu;

    public static string Q(string value) => Uri.EscapeDataString(value);

    /// <summary>
    /// A path segment escaped the way the test server rebuilds the path it checks the X-Matrix
    /// signature against (it has no raw request target): sub-delimiters such as <c>$ ! :</c> stay as they are.
    /// </summary>
    public static string P(string value) => new Microsoft.AspNetCore.Http.PathString("/" + value).ToUriComponent()[1..];

    public static List<string> IdsOf(JsonArray pdus, RoomVersion version) =>
        [.. pdus.Select(p => EventIds.Compute(p!.AsObject(), version))];
}
