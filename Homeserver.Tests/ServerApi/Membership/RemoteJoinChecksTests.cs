using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Transport;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>
/// The joining side refuses what a resident server (scripted here) must not make it sign or store:
/// templates for another sender, room or membership, content it did not ask for, unsupported versions,
/// and send_join answers that change its event or lack the room's auth events.
/// </summary>
public sealed class RemoteJoinChecksTests : IClassFixture<RemoteJoinChecksTests.Fixture>
{
    /// <summary>a.test with a scripted federation client, and a v10 room of remote.test (its create event).</summary>
    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Host = MembershipTestHosts.Create("a.test", host => host.ConfigureServices = services => services.AddSingleton<IFederationClient>(Federation));
            Host.RemoteKeys.Add(Remote.Name, Remote.Key);
            Client = Host.CreateClient();
        }

        public TestRemoteServer Remote { get; } = new("remote.test");
        public ScriptedFederationClient Federation { get; } = new();
        public TestHost Host { get; }
        public HttpClient Client { get; }

    
        public void Dispose()
        {
            Client.Dispose();
            Host.Dispose();
            Remote.Dispose();
        }
    }

    private readonly ScriptedFederationClient _federation;
    private readonly HttpClient _client;
    private readonly JsonObject _create;
    private readonly string _createId;
    private readonly string _roomId = "!scripted:remote.test";

    public RemoteJoinChecksTests(Fixture fixture)
    {
        _federation = fixture.Federation;
        _federation.Reset();
        _client = fixture.Client;
        var version = RoomVersionRegistry.Find("10")!;
        _create = new JsonObject
        {
            ["room_id"] = _roomId, ["type"] = "m.room.create", ["state_key"] = "", ["sender"] = "@dan:remote.test",
            ["content"] = new JsonObject { ["creator"] = "@dan:remote.test", ["room_version"] = "10" },
            ["prev_events"] = new JsonArray(), ["auth_events"] = new JsonArray(), ["depth"] = 1, ["origin_server_ts"] = 1_700_000_000_000,
        };
        EventSigner.SignPdu(_create, version, fixture.Remote.Name, fixture.Remote.Key);
        _createId = EventIds.Compute(_create, version);
    }

    private JsonObject Template(string userId) => new()
    {
        ["room_id"] = _roomId, ["type"] = "m.room.member", ["state_key"] = userId, ["sender"] = userId,
        ["content"] = new JsonObject { ["membership"] = "join" },
        ["prev_events"] = new JsonArray(_createId), ["auth_events"] = new JsonArray(_createId), ["depth"] = 2,
        ["origin_server_ts"] = 1_700_000_000_100,
    };

    private bool SentJoin => _federation.Requests.Any(r => r.PathAndQuery.StartsWith("/_matrix/federation/v2/send_join/", StringComparison.Ordinal));

    private async Task<HttpResponseMessage> JoinAsync(RoomUser user) =>
        await user.SendAsync(HttpMethod.Post, $"/join/{RoomUser.Esc(_roomId)}?server_name=remote.test", new JsonObject());

    [Theory]
    [InlineData("sender")]
    [InlineData("state_key")]
    [InlineData("room_id")]
    [InlineData("type")]
    [InlineData("membership")]
    [InlineData("extra content")]
    [InlineData("authoriser of another server")]
    public async Task A_template_for_another_event_than_ours_is_never_signed(string change)
    {
        var user = await RoomUser.RegisterAsync(_client, "joiner");
        var template = Template(user.UserId);
        switch (change)
        {
            case "sender": template["sender"] = "@dan:remote.test"; break;
            case "state_key": template["state_key"] = "@dan:remote.test"; break;
            case "room_id": template["room_id"] = "!other:remote.test"; break;
            case "type": template["type"] = "m.room.power_levels"; break;
            case "membership": template["content"] = new JsonObject { ["membership"] = "ban" }; break;
            case "extra content": template["content"]!["is_direct"] = true; break;
            case "authoriser of another server": template["content"]!["join_authorised_via_users_server"] = "@admin:elsewhere.test"; break;
        }
        _federation.On("/_matrix/federation/v1/make_join/", _ => new JsonObject { ["event"] = template.DeepClone(), ["room_version"] = "10" });

        await (await JoinAsync(user)).ShouldBeMatrixErrorAsync(502, "M_UNKNOWN");
        SentJoin.Should().BeFalse();
        _federation.Requests.Should().ContainSingle(r => r.Destination == "remote.test");
    }

    [Fact]
    public async Task A_room_version_we_do_not_support_is_incompatible()
    {
        var user = await RoomUser.RegisterAsync(_client, "joiner");
        _federation.On("/_matrix/federation/v1/make_join/", _ => new JsonObject { ["event"] = Template(user.UserId), ["room_version"] = "99" });
        var error = await (await JoinAsync(user)).ShouldBeMatrixErrorAsync(400, "M_INCOMPATIBLE_ROOM_VERSION");
        error["room_version"]!.GetValue<string>().Should().Be("99");
        SentJoin.Should().BeFalse();
        _federation.Requests.Single().PathAndQuery.Should().Contain("ver=12").And.Contain("ver=1&");
    }

    [Fact]
    public async Task A_send_join_answer_that_changes_our_event_is_refused()
    {
        var user = await RoomUser.RegisterAsync(_client, "joiner");
        _federation.On("/_matrix/federation/v1/make_join/", _ => new JsonObject { ["event"] = Template(user.UserId), ["room_version"] = "10" });
        _federation.On("/_matrix/federation/v2/send_join/", sent =>
        {
            var changed = sent!.DeepClone().AsObject();
            changed["content"]!["displayname"] = "someone else";
            return new JsonObject { ["state"] = new JsonArray(_create.DeepClone()), ["auth_chain"] = new JsonArray(), ["event"] = changed };
        });
        await (await JoinAsync(user)).ShouldBeMatrixErrorAsync(502, "M_UNKNOWN");
        (await user.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_send_join_answer_without_the_rooms_auth_events_is_refused()
    {
        var user = await RoomUser.RegisterAsync(_client, "joiner");
        _federation.On("/_matrix/federation/v1/make_join/", _ => new JsonObject { ["event"] = Template(user.UserId), ["room_version"] = "10" });
        var forged = _create.DeepClone().AsObject();
        forged["sender"] = "@mallory:remote.test";
        _federation.On("/_matrix/federation/v2/send_join/", _ => new JsonObject
        {
            // The create event with its signature broken by a change: left out, so nothing holds the join's auth event.
            ["state"] = new JsonArray(forged.DeepClone()), ["auth_chain"] = new JsonArray(),
        });
        await (await JoinAsync(user)).ShouldBeMatrixErrorAsync(502, "M_UNKNOWN");
        (await user.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Without_a_server_to_ask_an_unknown_room_is_not_found()
    {
        var user = await RoomUser.RegisterAsync(_client, "joiner");
        var response = await user.SendAsync(HttpMethod.Post, $"/join/{RoomUser.Esc("!" + new string('a', 43))}", new JsonObject());
        await response.ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        _federation.Requests.Should().BeEmpty();
    }
}
