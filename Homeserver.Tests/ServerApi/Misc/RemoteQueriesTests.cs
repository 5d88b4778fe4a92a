using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary>
/// What B's clients learn from A through B: A's room aliases, A's users' profiles (cached briefly by B) and A's
/// published rooms.
/// </summary>
public sealed class RemoteQueriesTests : IClassFixture<RemoteQueriesTests.Fixture>, IDisposable
{
    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Network = InMemoryFederationNetwork.Connect(A.Host, B.Host);
        }

        public MiscHost A { get; } = new("query-a.test");

        public MiscHost B { get; } = new("query-b.test");

        public InMemoryFederationNetwork Network { get; }

        public void Dispose()
        {
            A.Dispose();
            B.Dispose();
        }
    }

    private readonly Fixture _fixture;

    public RemoteQueriesTests(Fixture fixture) => _fixture = fixture;

    private MiscHost A => _fixture.A;
    private MiscHost B => _fixture.B;

    public void Dispose() => _fixture.Network.SetReachable(A.Name, true);

    private static string Esc(string value) => Uri.EscapeDataString(value);

    [Fact]
    public async Task A_remote_alias_resolves_through_its_server()
    {
        var alice = await A.NewUserAsync();
        var bob = await B.NewUserAsync();
        var name = "hall" + Guid.NewGuid().ToString("N")[..8];
        var roomId = await A.CreateRoomAsync(alice, new JsonObject { ["room_alias_name"] = name });

        var resolved = (await bob.OkAsync(HttpMethod.Get, $"/directory/room/{Esc($"#{name}:{A.Name}")}")).AsObject();

        resolved["room_id"]!.GetValue<string>().Should().Be(roomId);
        resolved["servers"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal(A.Name);

        var local = (await alice.OkAsync(HttpMethod.Get, $"/directory/room/{Esc($"#{name}:{A.Name}")}")).AsObject();
        local["servers"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal(A.Name);

        await (await bob.SendAsync(HttpMethod.Get, $"/directory/room/{Esc($"#missing:{A.Name}")}")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        var join = await bob.SendAsync(HttpMethod.Post, $"/join/{Esc($"#{name}:{A.Name}")}", new JsonObject());
        await join.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden); // resolved and asked of A, whose private room refuses
        _fixture.Network.SetReachable(A.Name, false);
        await (await bob.SendAsync(HttpMethod.Get, $"/directory/room/{Esc($"#{name}:{A.Name}")}")).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);
    }

    [Fact]
    public async Task A_remote_profile_is_asked_of_its_server_and_cached_briefly()
    {
        var alice = await A.NewUserAsync();
        var bob = await B.NewUserAsync();
        await alice.OkAsync(HttpMethod.Put, $"/profile/{Esc(alice.UserId)}/displayname", new JsonObject { ["displayname"] = "Alice from A" });
        await alice.OkAsync(HttpMethod.Put, $"/profile/{Esc(alice.UserId)}/avatar_url", new JsonObject { ["avatar_url"] = $"mxc://{A.Name}/avatar" });

        var profile = (await bob.OkAsync(HttpMethod.Get, $"/profile/{Esc(alice.UserId)}")).AsObject();
        profile["displayname"]!.GetValue<string>().Should().Be("Alice from A");
        profile["avatar_url"]!.GetValue<string>().Should().Be($"mxc://{A.Name}/avatar");
        var name = (await bob.OkAsync(HttpMethod.Get, $"/profile/{Esc(alice.UserId)}/displayname")).AsObject();
        name["displayname"]!.GetValue<string>().Should().Be("Alice from A");

        _fixture.Network.SetReachable(A.Name, false);
        (await bob.OkAsync(HttpMethod.Get, $"/profile/{Esc(alice.UserId)}"))["displayname"]!.GetValue<string>().Should().Be("Alice from A");
        B.Host.Time.Advance(TimeSpan.FromMinutes(2));
        await (await bob.SendAsync(HttpMethod.Get, $"/profile/{Esc(alice.UserId)}")).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);
        _fixture.Network.SetReachable(A.Name, true);

        await (await bob.SendAsync(HttpMethod.Get, $"/profile/{Esc($"@nobody:{A.Name}")}")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task The_published_rooms_of_a_remote_server_are_listed_through_it()
    {
        var alice = await A.NewUserAsync();
        var bob = await B.NewUserAsync();
        var tag = "tag" + Guid.NewGuid().ToString("N")[..8];
        var roomId = await A.CreateRoomAsync(alice, new JsonObject { ["visibility"] = "public", ["preset"] = "public_chat", ["name"] = "Hall " + tag });

        var listed = (await bob.OkAsync(HttpMethod.Get, $"/publicRooms?server={A.Name}")).AsObject();
        listed["chunk"]!.AsArray().Select(e => e!["room_id"]!.GetValue<string>()).Should().Contain(roomId);

        var searched = (await bob.OkAsync(HttpMethod.Post, $"/publicRooms?server={A.Name}",
            new JsonObject { ["filter"] = new JsonObject { ["generic_search_term"] = tag } })).AsObject();
        searched["chunk"]!.AsArray().Select(e => e!["room_id"]!.GetValue<string>()).Should().Equal(roomId);
        searched["chunk"]![0]!["name"]!.GetValue<string>().Should().Be("Hall " + tag);

        var own = (await bob.OkAsync(HttpMethod.Get, $"/publicRooms?server={B.Name}")).AsObject();
        own["chunk"]!.AsArray().Select(e => e!["room_id"]!.GetValue<string>()).Should().NotContain(roomId);

        await (await bob.SendAsync(HttpMethod.Get, "/publicRooms?server=bad%20name")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        _fixture.Network.SetReachable(A.Name, false);
        await (await bob.SendAsync(HttpMethod.Get, $"/publicRooms?server={A.Name}")).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);
    }
}
