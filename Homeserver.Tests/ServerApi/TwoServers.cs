using System.Diagnostics;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi;

/// <summary>
/// Two homeservers, <c>a.test</c> and <c>b.test</c>, federating over an <see cref="InMemoryFederationNetwork"/>,
/// with open registration and no rate limits, and the waits the scenarios need (federation is asynchronous).
/// </summary>
public sealed class TwoServers : IDisposable
{
    public TwoServers()
    {
        A = NewHost("a.test");
        B = NewHost("b.test");
        Network = InMemoryFederationNetwork.Connect(A, B);
        ClientA = A.CreateClient();
        ClientB = B.CreateClient();
    }

    public TestHost A { get; }
    public TestHost B { get; }
    public InMemoryFederationNetwork Network { get; }
    public HttpClient ClientA { get; }
    public HttpClient ClientB { get; }

    private static TestHost NewHost(string name) => TestHost.With(config =>
    {
        config.ServerName = name;
        config.EnableRegistration = true;
        config.BcryptRounds = 4;
        var off = new RateLimitConfig { PerSecond = 0, BurstCount = 0 };
        config.RcRegistration = off;
        config.RcMessage = off;
        config.RcLogin = new LoginRateLimitConfig { Address = off, Account = off, FailedAttempts = off };
    });

    public Task<RoomUser> UserOnAAsync(string prefix = "alice") => RoomUser.RegisterAsync(ClientA, prefix);
    public Task<RoomUser> UserOnBAsync(string prefix = "bob") => RoomUser.RegisterAsync(ClientB, prefix);

    /// <summary>Polls until <paramref name="condition"/> holds (federation delivers in the background), failing after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 20)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(timeoutSeconds))
                throw new Xunit.Sdk.XunitException($"timed out after {timeoutSeconds} s waiting for: {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>The bodies of the room's m.room.message events the user can read, oldest first (up to 100).</summary>
    public static async Task<List<string>> MessageBodiesAsync(RoomUser user, string roomId)
    {
        var response = await user.SendAsync(HttpMethod.Get, $"/rooms/{RoomUser.Esc(roomId)}/messages?dir=b&limit=100");
        if (!response.IsSuccessStatusCode) return [];
        var chunk = (await response.ReadJsonObjectAsync())["chunk"]!.AsArray();
        return chunk.Where(e => (string?)e!["type"] == "m.room.message").Select(e => (string)e!["content"]!["body"]!).Reverse().ToList();
    }

    public static async Task<string?> MembershipAsync(RoomUser user, string roomId, string userId)
    {
        var response = await user.SendAsync(HttpMethod.Get, $"/rooms/{RoomUser.Esc(roomId)}/state/m.room.member/{RoomUser.Esc(userId)}");
        return response.IsSuccessStatusCode ? (string?)(await response.ReadJsonObjectAsync())["membership"] : null;
    }

    public static async Task<JsonObject> SyncAsync(RoomUser user, string? since = null, int timeoutMs = 0)
    {
        var query = since is null ? $"?timeout={timeoutMs}" : $"?since={Uri.EscapeDataString(since)}&timeout={timeoutMs}";
        return (await user.OkAsync(HttpMethod.Get, "/sync" + query)).AsObject();
    }

    public void Dispose()
    {
        ClientA.Dispose();
        ClientB.Dispose();
        A.Dispose();
        B.Dispose();
    }
}
