using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>A homeserver a.test that a test remote server (remote.test, whose key it trusts) talks to.</summary>
public sealed class ResidentFixture : IDisposable
{
    public const string ServerName = "a.test";

    public ResidentFixture()
    {
        Host = MembershipTestHosts.Create(ServerName);
        Host.RemoteKeys.Add(Remote.Name, Remote.Key);
        Client = Host.CreateClient();
    }

    public TestHost Host { get; }
    public HttpClient Client { get; }
    public TestRemoteServer Remote { get; } = new("remote.test");

    public Task<RoomUser> RegisterAsync(string prefix = "alice") => RoomUser.RegisterAsync(Client, prefix);

    /// <summary>A request signed by remote.test.</summary>
    public Task<HttpResponseMessage> FederationAsync(HttpMethod method, string path, JsonObject? body = null) =>
        Client.SendAsync(Remote.Request(method, path, ServerName, body));

    public void Dispose()
    {
        Client.Dispose();
        Host.Dispose();
        Remote.Dispose();
    }
}
