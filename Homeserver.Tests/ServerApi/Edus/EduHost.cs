using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>
/// A host whose federation sender records outbound EDUs and whose federation client answers as a test scripts it,
/// with a remote server <c>remote.test</c> whose key the host trusts and whose users can join the host's rooms.
/// </summary>
public sealed class EduHost : IDisposable
{
    public const string RemoteName = "remote.test";

    public EduHost()
    {
        Host = new TestHost
        {
            ConfigureServices = services =>
            {
                services.AddSingleton<IFederationSender>(Sender);
                services.AddSingleton<IFederationClient>(Client);
            },
        };
        Host.Config.EnableRegistration = true;
        Host.Config.RcRegistration = new Homeserver.Configuration.RateLimitConfig { PerSecond = 0, BurstCount = 0 };
        Host.RemoteKeys.Add(Remote.Name, Remote.VerifyKey);
        Host.RemoteKeys.Add(Third.Name, Third.VerifyKey);
        Rooms = new SyncTestRooms(Host);
        Http = Host.CreateClient();
    }

    public TestHost Host { get; }
    public const string ThirdName = "third.test";

    public TestRemoteServer Remote { get; } = new(RemoteName);

    /// <summary>A second remote server, for EDUs that go to several servers.</summary>
    public TestRemoteServer Third { get; } = new(ThirdName);
    public RecordingFederationSender Sender { get; } = new();
    public ScriptedFederationClient Client { get; } = new();
    internal SyncTestRooms Rooms { get; }
    public HttpClient Http { get; }

    public static string NewRemoteUser(string server = RemoteName) => $"@r{Guid.NewGuid():N}:{server}";

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>The host's handler of an EDU type, called as the transaction endpoint would: with content parsed from JSON text.</summary>
    public Task HandleAsync(string origin, string eduType, JsonObject content) =>
        Host.Services.GetServices<IEduHandler>().Single(h => h.EduType == eduType)
            .HandleAsync(origin, JsonNode.Parse(content.ToJsonString())!.AsObject(), CancellationToken.None);

    /// <summary>A local user with a device (not just a token: to-device messages go to known devices).</summary>
    public async Task<(string UserId, string Token)> LocalUserWithDeviceAsync(string deviceId, string? userId = null)
    {
        userId ??= SyncTestRooms.NewUserId();
        await Get<Homeserver.Storage.Accounts.IDeviceStore>().UpsertAsync(
            new Homeserver.Storage.Accounts.DeviceRecord(userId, deviceId, null, null, null), CancellationToken.None);
        return (userId, await Host.AddTokenAsync(userId, deviceId));
    }

    /// <summary>A local user joined to a new public room, and the room.</summary>
    public async Task<(string UserId, string Token, string RoomId)> LocalUserInRoomAsync(string deviceId = "DEVICE")
    {
        var (userId, token) = await Rooms.NewUserAsync(deviceId);
        return (userId, token, await Rooms.CreateRoomAsync(userId));
    }

    /// <summary>A join of a remote user, built and signed as the remote server would and received through the pipeline.</summary>
    public async Task JoinRemoteAsync(string roomId, string userId)
    {
        var server = userId.EndsWith(":" + ThirdName, StringComparison.Ordinal) ? Third : Remote;
        var store = Get<IRoomEventStore>();
        var version = RoomVersionRegistry.Find((await store.GetRoomAsync(roomId, CancellationToken.None))!.RoomVersion)!;
        var prevIds = await store.GetForwardExtremitiesAsync(roomId, CancellationToken.None);
        var prevs = new List<Federation.Events.Pdu>();
        foreach (var id in prevIds)
            prevs.Add(StoredPduLoader.FromRecord((await store.GetEventAsync(id, CancellationToken.None))!, version).Pdu);
        var state = new Dictionary<Federation.Events.TypeStateKey, Federation.Events.Pdu>();
        foreach (var ((type, stateKey), id) in (await store.GetStateAfterAsync(prevIds[0], CancellationToken.None))!)
            state[new Federation.Events.TypeStateKey(type, stateKey)] =
                StoredPduLoader.FromRecord((await store.GetEventAsync(id, CancellationToken.None))!, version).Pdu;
        var builder = new LocalEventBuilder(new ServerIdentity(server.Name, server.Key), TimeProvider.System);
        var join = builder.Build(version, new LocalEventDraft(roomId, "m.room.member", userId, userId, new JsonObject { ["membership"] = "join" }),
            prevs, state);
        var result = await Get<RoomEventPipeline>().ReceiveAsync(CanonicalJson.Encode(join.Json), version, CancellationToken.None);
        result.IsAccepted.Should().BeTrue(result.Reason);
    }

    public void Dispose()
    {
        Host.Dispose();
        Remote.Dispose();
        Third.Dispose();
    }
}
