using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Membership;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>PUT /_matrix/federation/v2/invite on a.test, from a test remote server whose room a.test does not hold.</summary>
public sealed class InviteReceiverTests(ResidentFixture fixture) : IClassFixture<ResidentFixture>
{
    private const string Dan = "@dan:remote.test";

    private static string E(string value) => FederationPath.Segment(value);

    /// <summary>A v10 room of remote.test: its create event and an invite of <paramref name="invitee"/>, both signed by remote.test.</summary>
    private (string RoomId, JsonObject Create, JsonObject Invite, string InviteId) RemoteRoom(string invitee, string sender = Dan,
        string version = "10")
    {
        var rules = RoomVersionRegistry.Find(version)!;
        var roomId = "!" + Guid.NewGuid().ToString("N")[..12] + ":remote.test";
        var create = new JsonObject
        {
            ["room_id"] = roomId, ["type"] = "m.room.create", ["state_key"] = "", ["sender"] = Dan,
            ["content"] = new JsonObject { ["creator"] = Dan, ["room_version"] = version },
            ["prev_events"] = new JsonArray(), ["auth_events"] = new JsonArray(), ["depth"] = 1, ["origin_server_ts"] = 1_700_000_000_000,
        };
        EventSigner.SignPdu(create, rules, fixture.Remote.Name, fixture.Remote.Key);
        var createId = EventIds.Compute(create, rules);
        var invite = new JsonObject
        {
            ["room_id"] = roomId, ["type"] = "m.room.member", ["state_key"] = invitee, ["sender"] = sender,
            ["content"] = new JsonObject { ["membership"] = "invite" },
            ["prev_events"] = new JsonArray(createId), ["auth_events"] = new JsonArray(createId), ["depth"] = 2,
            ["origin_server_ts"] = 1_700_000_000_001,
        };
        EventSigner.SignPdu(invite, rules, fixture.Remote.Name, fixture.Remote.Key);
        return (roomId, create, invite, EventIds.Compute(invite, rules));
    }

    private Task<HttpResponseMessage> InviteAsync(string roomId, string eventId, JsonObject invite, JsonArray? roomState, string version = "10")
    {
        var body = new JsonObject { ["room_version"] = version, ["event"] = invite.DeepClone() };
        if (roomState is not null) body["invite_room_state"] = roomState.DeepClone();
        return fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/invite/{E(roomId)}/{E(eventId)}", body);
    }

    [Fact]
    public async Task An_invite_is_signed_and_shows_in_the_invitees_sync()
    {
        var carol = await fixture.RegisterAsync("carol");
        var (roomId, create, invite, inviteId) = RemoteRoom(carol.UserId);

        var response = await InviteAsync(roomId, inviteId, invite, [create.DeepClone()]);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var signed = (await response.ReadJsonObjectAsync())["event"]!.AsObject();
        signed["signatures"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo([fixture.Remote.Name, ResidentFixture.ServerName]);
        var ours = fixture.Host.Services.GetRequiredService<Homeserver.Federation.Rooms.ServerIdentity>();
        EventSignatureVerifier.VerifyServer(signed, RoomVersionRegistry.Find("10")!, ours.ServerName, [VerifyKey.FromSigningKey(ours.SigningKey)])
            .IsValid.Should().BeTrue();

        var sync = (await carol.OkAsync(HttpMethod.Get, "/sync")).AsObject();
        var events = sync["rooms"]!["invite"]![roomId]!["invite_state"]!["events"]!.AsArray();
        events.Select(e => e!["type"]!.GetValue<string>()).Should().Equal("m.room.create", "m.room.member");
        events[1]!["content"]!["membership"]!.GetValue<string>().Should().Be("invite");
        events[1]!["sender"]!.GetValue<string>().Should().Be(Dan);

        var next = sync["next_batch"]!.GetValue<string>();
        var incremental = (await carol.OkAsync(HttpMethod.Get, $"/sync?since={next}&timeout=0")).AsObject();
        incremental["rooms"]!["invite"]!.AsObject().Should().BeEmpty("the invite was already delivered");
    }

    [Fact]
    public async Task An_invite_arriving_during_a_sync_wait_wakes_it()
    {
        var carol = await fixture.RegisterAsync("carol");
        var next = (await carol.OkAsync(HttpMethod.Get, "/sync"))["next_batch"]!.GetValue<string>();
        var waiting = carol.OkAsync(HttpMethod.Get, $"/sync?since={next}&timeout=20000");
        var (roomId, create, invite, inviteId) = RemoteRoom(carol.UserId);
        (await InviteAsync(roomId, inviteId, invite, [create])).StatusCode.Should().Be(HttpStatusCode.OK);
        var woken = await waiting.WaitAsync(TimeSpan.FromSeconds(15));
        woken["rooms"]!["invite"]!.AsObject().Should().ContainKey(roomId);
    }

    [Fact]
    public async Task An_unsupported_room_version_is_incompatible()
    {
        var carol = await fixture.RegisterAsync("carol");
        var (roomId, create, invite, inviteId) = RemoteRoom(carol.UserId);
        var error = await (await InviteAsync(roomId, inviteId, invite, [create], version: "99"))
            .ShouldBeMatrixErrorAsync(400, "M_INCOMPATIBLE_ROOM_VERSION");
        error["room_version"]!.GetValue<string>().Should().Be("99");
    }

    [Fact]
    public async Task Invites_of_other_servers_users_from_other_senders_or_with_other_ids_are_refused()
    {
        var carol = await fixture.RegisterAsync("carol");
        var notOurs = RemoteRoom("@carol:elsewhere.test");
        await (await InviteAsync(notOurs.RoomId, notOurs.InviteId, notOurs.Invite, [notOurs.Create]))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        var otherSender = RemoteRoom(carol.UserId, sender: "@eve:elsewhere.test");
        await (await InviteAsync(otherSender.RoomId, otherSender.InviteId, otherSender.Invite, [otherSender.Create]))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        var fine = RemoteRoom(carol.UserId);
        await (await InviteAsync(fine.RoomId, "$someotherid", fine.Invite, [fine.Create])).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        var tampered = RemoteRoom(carol.UserId);
        tampered.Invite["content"]!["reason"] = "added after signing";
        var tamperedId = EventIds.Compute(tampered.Invite, RoomVersionRegistry.Find("10")!);
        await (await InviteAsync(tampered.RoomId, tamperedId, tampered.Invite, [tampered.Create])).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        (await carol.OkAsync(HttpMethod.Get, "/sync"))["rooms"]!["invite"]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task Oversize_or_incomplete_invite_room_state_is_refused()
    {
        var carol = await fixture.RegisterAsync("carol");
        var (roomId, create, invite, inviteId) = RemoteRoom(carol.UserId);

        var tooMany = new JsonArray([.. Enumerable.Range(0, InviteRoomStateCheck.MaxEntries + 1).Select(_ => (JsonNode)create.DeepClone())]);
        await (await InviteAsync(roomId, inviteId, invite, tooMany)).ShouldBeMatrixErrorAsync(400, "M_TOO_LARGE");

        var big = create.DeepClone().AsObject();
        big["content"]!["padding"] = new string('x', 60_000);
        var tooBig = new JsonArray([.. Enumerable.Range(0, 5).Select(_ => (JsonNode)big.DeepClone())]);
        await (await InviteAsync(roomId, inviteId, invite, tooBig)).ShouldBeMatrixErrorAsync(400, "M_TOO_LARGE");

        await (await InviteAsync(roomId, inviteId, invite, [])).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await InviteAsync(roomId, inviteId, invite, null)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await InviteAsync(roomId, inviteId, invite, [new JsonObject { ["type"] = "m.room.create", ["state_key"] = "" }]))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        (await carol.OkAsync(HttpMethod.Get, "/sync"))["rooms"]!["invite"]!.AsObject().Should().BeEmpty();
    }
}
