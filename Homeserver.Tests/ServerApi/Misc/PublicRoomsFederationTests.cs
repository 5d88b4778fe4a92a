using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary><c>GET</c>/<c>POST /_matrix/federation/v1/publicRooms</c>: this server's published rooms for other servers.</summary>
public sealed class PublicRoomsFederationTests : IClassFixture<PublicRoomsFederationTests.Fixture>, IDisposable
{
    public sealed class Fixture : IDisposable
    {
        public MiscHost Host { get; } = new("rooms.test");

        public void Dispose() => Host.Dispose();
    }

    private readonly MiscHost _host;
    private readonly TestRemoteServer _remote = new("remote.example");

    public PublicRoomsFederationTests(Fixture fixture) => _host = fixture.Host;

    public void Dispose() => _remote.Dispose();

    private static IEnumerable<string> RoomIds(JsonObject body) => body["chunk"]!.AsArray().Select(e => e!["room_id"]!.GetValue<string>());

    [Fact]
    public async Task Published_rooms_are_listed_and_searched()
    {
        var alice = await _host.NewUserAsync();
        var tag = "tag" + Guid.NewGuid().ToString("N")[..8];
        var published = await _host.CreateRoomAsync(alice, new JsonObject { ["visibility"] = "public", ["preset"] = "public_chat", ["name"] = "Room " + tag });
        var other = await _host.CreateRoomAsync(alice, new JsonObject { ["visibility"] = "public", ["preset"] = "public_chat", ["name"] = "Another room" });
        var unlisted = await _host.CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["name"] = "Room " + tag + " unlisted" });

        var list = await _host.SignedAsync(_remote, HttpMethod.Get, "/_matrix/federation/v1/publicRooms");
        var listed = await list.ReadJsonObjectAsync();
        ((int)list.StatusCode).Should().Be(200, listed.ToJsonString());
        RoomIds(listed).Should().Contain([published, other]).And.NotContain(unlisted);
        listed["chunk"]!.AsArray().Single(e => e!["room_id"]!.GetValue<string>() == published)!["name"]!.GetValue<string>().Should().Be("Room " + tag);

        var search = await _host.SignedAsync(_remote, HttpMethod.Post, "/_matrix/federation/v1/publicRooms",
            new JsonObject { ["limit"] = 10, ["filter"] = new JsonObject { ["generic_search_term"] = tag } });
        RoomIds(await search.ReadJsonObjectAsync()).Should().Equal(published);

        var limited = await _host.SignedAsync(_remote, HttpMethod.Get, "/_matrix/federation/v1/publicRooms?limit=1");
        var page = await limited.ReadJsonObjectAsync();
        RoomIds(page).Should().HaveCount(1);
        page.Should().ContainKey("next_batch");
    }

    [Fact]
    public async Task Bad_requests_are_refused()
    {
        await (await _host.SignedAsync(_remote, HttpMethod.Get, "/_matrix/federation/v1/publicRooms?limit=many")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await _host.SignedAsync(_remote, HttpMethod.Post, "/_matrix/federation/v1/publicRooms", new JsonObject { ["filter"] = "x" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await _host.Client.GetAsync("/_matrix/federation/v1/publicRooms")).ShouldBeMatrixErrorAsync(401, ErrorCodes.Unauthorized);
    }
}
