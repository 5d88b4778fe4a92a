using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary>
/// <c>GET /_matrix/federation/v1/hierarchy/{roomId}</c> (what another server may see of a space) and the room server
/// ACL service behind it.
/// </summary>
public sealed class HierarchyFederationTests : IClassFixture<HierarchyFederationTests.Fixture>, IDisposable
{
    public sealed class Fixture : IDisposable
    {
        public MiscHost Host { get; } = new("spaces.test");

        public void Dispose() => Host.Dispose();
    }

    private readonly MiscHost _host;
    private readonly TestRemoteServer _remote = new("remote.example");

    public HierarchyFederationTests(Fixture fixture) => _host = fixture.Host;

    public void Dispose() => _remote.Dispose();

    /// <summary>
    /// The room id goes into the path as it is (its characters need no escaping): the test server hands the handler an
    /// unescaped path without the raw target, so an escaped '!' would not be what the remote signed.
    /// </summary>
    private Task<HttpResponseMessage> HierarchyAsync(string roomId, string query = "") =>
        _host.SignedAsync(_remote, HttpMethod.Get, $"/_matrix/federation/v1/hierarchy/{roomId}{query}");

    private static Task AddChildAsync(RoomUser user, string spaceId, string childId, bool suggested = false) =>
        user.OkAsync(HttpMethod.Put, $"/rooms/{RoomUser.Esc(spaceId)}/state/m.space.child/{RoomUser.Esc(childId)}",
            new JsonObject { ["via"] = new JsonArray("spaces.test"), ["suggested"] = suggested });

    private static Task SetAclAsync(RoomUser user, string roomId, JsonObject content) =>
        user.OkAsync(HttpMethod.Put, $"/rooms/{RoomUser.Esc(roomId)}/state/m.room.server_acl/", content);

    private Task<string> CreateSpaceAsync(RoomUser user, string preset = "public_chat") => _host.CreateRoomAsync(user, new JsonObject
    {
        ["preset"] = preset,
        ["name"] = "Space",
        ["creation_content"] = new JsonObject { ["type"] = "m.space" },
    });

    [Fact]
    public async Task A_public_space_shows_its_visible_children_and_names_the_others()
    {
        var alice = await _host.NewUserAsync();
        var space = await CreateSpaceAsync(alice);
        var open = await _host.CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["name"] = "Open" });
        var closed = await _host.CreateRoomAsync(alice, new JsonObject { ["preset"] = "private_chat" });
        var readable = await _host.CreateRoomAsync(alice, new JsonObject
        {
            ["preset"] = "private_chat",
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.history_visibility", ["state_key"] = "", ["content"] = new JsonObject { ["history_visibility"] = "world_readable" },
            }),
        });
        await AddChildAsync(alice, space, open, suggested: true);
        await AddChildAsync(alice, space, closed);
        await AddChildAsync(alice, space, readable);
        await AddChildAsync(alice, space, "!unknown:elsewhere.example");

        var response = await HierarchyAsync(space);

        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        body["room"]!["room_id"]!.GetValue<string>().Should().Be(space);
        body["room"]!["room_type"]!.GetValue<string>().Should().Be("m.space");
        body["room"]!["children_state"]!.AsArray().Select(e => e!["state_key"]!.GetValue<string>())
            .Should().BeEquivalentTo([open, closed, readable, "!unknown:elsewhere.example"]);
        body["room"]!["children_state"]!.AsArray().Should().AllSatisfy(e => e!.AsObject().Should().ContainKey("origin_server_ts"));
        body["children"]!.AsArray().Select(e => e!["room_id"]!.GetValue<string>()).Should().BeEquivalentTo([open, readable]);
        body["children"]!.AsArray().Single(e => e!["room_id"]!.GetValue<string>() == open)!["name"]!.GetValue<string>().Should().Be("Open");
        body["inaccessible_children"]!.AsArray().Select(e => e!.GetValue<string>()).Should().Equal(closed);

        var suggested = await (await HierarchyAsync(space, "?suggested_only=true")).ReadJsonObjectAsync();
        suggested["children"]!.AsArray().Select(e => e!["room_id"]!.GetValue<string>()).Should().Equal(open);
        suggested["inaccessible_children"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Private_and_unknown_rooms_are_not_found_and_bad_requests_refused()
    {
        var alice = await _host.NewUserAsync();
        var privateSpace = await CreateSpaceAsync(alice, "private_chat");
        await (await HierarchyAsync(privateSpace)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await HierarchyAsync("!nothing:spaces.test")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await HierarchyAsync("not-a-room")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        var space = await CreateSpaceAsync(alice);
        await (await HierarchyAsync(space, "?suggested_only=maybe")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task The_server_acl_of_the_space_and_of_its_children_applies()
    {
        var alice = await _host.NewUserAsync();
        var space = await CreateSpaceAsync(alice);
        var child = await _host.CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat" });
        await AddChildAsync(alice, space, child);
        await SetAclAsync(alice, child, new JsonObject { ["allow"] = new JsonArray("*"), ["deny"] = new JsonArray("*.example") });

        var body = await (await HierarchyAsync(space)).ReadJsonObjectAsync();
        body["children"]!.AsArray().Should().BeEmpty();
        body["inaccessible_children"]!.AsArray().Select(e => e!.GetValue<string>()).Should().Equal(child);

        await SetAclAsync(alice, space, new JsonObject { ["allow"] = new JsonArray("spaces.test") });
        await (await HierarchyAsync(space)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task RoomServerAcl_follows_the_current_acl_of_the_room()
    {
        var alice = await _host.NewUserAsync();
        var roomId = await _host.CreateRoomAsync(alice, new JsonObject());
        var acl = _host.Host.Services.GetRequiredService<RoomServerAcl>();

        (await acl.IsAllowedAsync(roomId, "anyone.example", CancellationToken.None)).Should().BeTrue("a room without an ACL allows everyone");

        await SetAclAsync(alice, roomId, new JsonObject
        {
            ["allow"] = new JsonArray("*"), ["deny"] = new JsonArray("*.evil.example", "evil.example"), ["allow_ip_literals"] = false,
        });
        (await acl.IsAllowedAsync(roomId, "good.example", CancellationToken.None)).Should().BeTrue();
        (await acl.IsAllowedAsync(roomId, "evil.example:8448", CancellationToken.None)).Should().BeFalse();
        (await acl.IsAllowedAsync(roomId, "sub.EVIL.example", CancellationToken.None)).Should().BeFalse();
        (await acl.IsAllowedAsync(roomId, "10.1.2.3", CancellationToken.None)).Should().BeFalse();
        var deny = () => acl.RequireAllowedAsync(roomId, "evil.example", CancellationToken.None);
        (await deny.Should().ThrowAsync<MatrixException>()).Which.StatusCode.Should().Be(403);

        await SetAclAsync(alice, roomId, new JsonObject { ["allow"] = new JsonArray("evil.example", "spaces.test") });
        (await acl.IsAllowedAsync(roomId, "evil.example", CancellationToken.None)).Should().BeTrue("a new ACL event replaces the cached one");
        (await acl.IsAllowedAsync(roomId, "good.example", CancellationToken.None)).Should().BeFalse();
        (await acl.IsAllowedAsync("!unknown:spaces.test", "good.example", CancellationToken.None)).Should().BeTrue();
    }
}
