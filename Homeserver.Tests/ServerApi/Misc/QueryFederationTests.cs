using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary>The directory and profile queries other servers make (<c>/_matrix/federation/v1/query/...</c>), signed by a test remote.</summary>
public sealed class QueryFederationTests : IClassFixture<QueryFederationTests.Fixture>, IDisposable
{
    public sealed class Fixture : IDisposable
    {
        public MiscHost Host { get; } = new("query.test");

        public void Dispose() => Host.Dispose();
    }

    private readonly MiscHost _host;
    private readonly TestRemoteServer _remote = new("remote.example");

    public QueryFederationTests(Fixture fixture) => _host = fixture.Host;

    public void Dispose() => _remote.Dispose();

    private Task<HttpResponseMessage> GetAsync(string pathAndQuery) =>
        _host.SignedAsync(_remote, HttpMethod.Get, "/_matrix/federation/v1/query/" + pathAndQuery);

    private static string Esc(string value) => Uri.EscapeDataString(value);

    [Fact]
    public async Task A_local_alias_resolves_to_its_room_and_the_servers_in_it()
    {
        var alice = await _host.NewUserAsync();
        var name = "lounge" + Guid.NewGuid().ToString("N")[..8];
        var roomId = await _host.CreateRoomAsync(alice, new JsonObject { ["room_alias_name"] = name });

        var response = await GetAsync("directory?room_alias=" + Esc($"#{name}:query.test"));

        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        body["room_id"]!.GetValue<string>().Should().Be(roomId);
        body["servers"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("query.test");
    }

    [Fact]
    public async Task Unknown_and_foreign_aliases_are_not_found_and_bad_ones_refused()
    {
        await (await GetAsync("directory?room_alias=" + Esc("#nothing-here:query.test"))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await GetAsync("directory?room_alias=" + Esc("#lounge:third.example"))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await GetAsync("directory")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await GetAsync("directory?room_alias=lounge")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Queries_need_a_valid_signature()
    {
        var unsigned = await _host.Client.GetAsync("/_matrix/federation/v1/query/profile?user_id=" + Esc("@a:query.test"));
        await unsigned.ShouldBeMatrixErrorAsync(401, ErrorCodes.Unauthorized);

        using var stranger = new TestRemoteServer("stranger.example"); // its key is not known to the host
        var forged = await _host.Client.SendAsync(stranger.Request(HttpMethod.Get, "/_matrix/federation/v1/query/profile?user_id=" + Esc("@a:query.test"), "query.test"));
        await forged.ShouldBeMatrixErrorAsync(401, ErrorCodes.Unauthorized);
    }

    [Fact]
    public async Task A_local_profile_is_answered_whole_or_by_field()
    {
        var alice = await _host.NewUserAsync();
        await alice.OkAsync(HttpMethod.Put, $"/profile/{Esc(alice.UserId)}/displayname", new JsonObject { ["displayname"] = "Alice A." });

        var whole = await (await GetAsync("profile?user_id=" + Esc(alice.UserId))).ReadJsonObjectAsync();
        whole.Should().ContainKey("displayname");
        whole["displayname"]!.GetValue<string>().Should().Be("Alice A.");
        whole.Should().NotContainKey("avatar_url");

        var name = await (await GetAsync($"profile?user_id={Esc(alice.UserId)}&field=displayname")).ReadJsonObjectAsync();
        name.Select(p => p.Key).Should().Equal("displayname");

        var avatar = await GetAsync($"profile?user_id={Esc(alice.UserId)}&field=avatar_url");
        ((int)avatar.StatusCode).Should().Be(200);
        (await avatar.ReadJsonObjectAsync()).Should().BeEmpty();

        await (await GetAsync($"profile?user_id={Esc(alice.UserId)}&field=m.unknown")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Unknown_foreign_and_malformed_users_are_refused()
    {
        await (await GetAsync("profile?user_id=" + Esc("@nobody-here:query.test"))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await GetAsync("profile?user_id=" + Esc("@someone:third.example"))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await GetAsync("profile?user_id=not-a-user")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await GetAsync("profile")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
    }
}
