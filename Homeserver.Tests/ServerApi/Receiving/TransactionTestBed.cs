using System.Text.Json.Nodes;
using Homeserver.Federation.Sending;
using Homeserver.Federation.Transport;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using Homeserver.Tests.ServerApi.Sending;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Receiving;

/// <summary>
/// A <see cref="TestHost"/> that trusts the remote server <c>remote.test</c>, with a recording federation
/// client, a public room of a local user, and helpers to send the host transactions as the remote.
/// </summary>
internal sealed class TransactionTestBed : IDisposable
{
    public const string RemoteName = "remote.test";

    public TransactionTestBed(Action<IServiceCollection>? services = null, FederationSenderOptions? senderOptions = null)
    {
        Host = new TestHost();
        Host.RemoteKeys.Add(Remote.Name, Remote.Key);
        Host.ConfigureServices = s =>
        {
            s.AddSingleton<IFederationClient>(Client);
            s.AddSingleton(senderOptions ?? new FederationSenderOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(100) });
            services?.Invoke(s);
        };
        Rooms = new SyncTestRooms(Host);
        Events = new RemoteRoomEvents(Host, Remote);
        Http = Host.CreateClient();
    }

    public TestHost Host { get; }
    public TestRemoteServer Remote { get; } = new(RemoteName);
    public RecordingFederationClient Client { get; } = new();
    public SyncTestRooms Rooms { get; }
    public RemoteRoomEvents Events { get; }
    public HttpClient Http { get; }

    /// <summary>A local user with a token and a public room they created.</summary>
    public async Task<(string UserId, string Token, string RoomId)> LocalRoomAsync()
    {
        var (userId, token) = await Rooms.NewUserAsync();
        return (userId, token, await Rooms.CreateRoomAsync(userId));
    }

    /// <summary>A remote user joins the room through a transaction; returns the join event.</summary>
    public async Task<JsonObject> RemoteJoinAsync(string roomId, string localpart = "alice")
    {
        var join = await Events.JoinAsync(roomId, Events.UserId(localpart));
        var answer = await SendOkAsync(Guid.NewGuid().ToString("N"), Events.Transaction([join]));
        answer["pdus"]!.AsObject().Single().Value!.AsObject().Should().BeEmpty("the join is accepted: {0}", answer.ToJsonString());
        return join;
    }

    public Task<HttpResponseMessage> SendAsync(string transactionId, JsonObject body) =>
        Http.SendAsync(Remote.Request(HttpMethod.Put, "/_matrix/federation/v1/send/" + transactionId, TestHost.ServerName, body));

    public async Task<JsonObject> SendOkAsync(string transactionId, JsonObject body)
    {
        using var response = await SendAsync(transactionId, body);
        var answer = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, answer.ToJsonString());
        return answer;
    }

    public void Dispose()
    {
        Http.Dispose();
        Host.Dispose();
        Remote.Dispose();
    }
}
