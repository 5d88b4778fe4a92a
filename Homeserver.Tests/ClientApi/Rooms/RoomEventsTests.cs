using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Rooms;

public class RoomEventsTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private Task<RoomUser> NewUserAsync() => RoomUser.RegisterAsync(fixture.Client);

    [Fact]
    public async Task A_message_is_sent_and_a_retry_with_the_same_txn_id_returns_the_same_event()
    {
        var alice = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync();

        var first = await alice.SendMessageAsync(roomId, "hello", "txn1");
        var retry = await alice.SendMessageAsync(roomId, "hello", "txn1");
        var other = await alice.SendMessageAsync(roomId, "hello", "txn2");

        retry.Should().Be(first);
        other.Should().NotBe(first);
        var ev = await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/event/{Esc(first)}");
        ev["type"]!.GetValue<string>().Should().Be("m.room.message");
        ev["sender"]!.GetValue<string>().Should().Be(alice.UserId);
        ev["room_id"]!.GetValue<string>().Should().Be(roomId);
        ev["content"]!["body"]!.GetValue<string>().Should().Be("hello");
    }

    [Fact]
    public async Task A_non_member_cannot_send_and_an_unknown_room_is_404()
    {
        var alice = await NewUserAsync();
        var eve = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync();

        var response = await eve.SendAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/send/m.room.message/t1", new JsonObject { ["body"] = "hi" });
        await response.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        var unknown = await alice.SendAsync(HttpMethod.Put, $"/rooms/{Esc("!nosuchroom:test.example")}/send/m.room.message/t1", new JsonObject());
        await unknown.ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Bad_bodies_and_overlong_types_are_400()
    {
        var alice = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync();

        var request = TestHost.Request(HttpMethod.Put, $"{Accounts.AccountRequests.V3}/rooms/{Esc(roomId)}/send/m.room.message/t1", alice.Token);
        request.Content = TestHost.JsonContent("{not json");
        await (await fixture.Client.SendAsync(request)).ShouldBeMatrixErrorAsync(400, ErrorCodes.NotJson);
        var longType = new string('x', 256);
        await (await alice.SendAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/send/{longType}/t2", new JsonObject()))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/state/m.custom/{new string('k', 256)}", new JsonObject()))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task State_is_put_and_read_back_with_or_without_a_state_key()
    {
        var alice = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync();

        var withKey = (await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/state/m.custom/key1", new JsonObject { ["a"] = 1 }))["event_id"]!.GetValue<string>();
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/state/m.room.topic", new JsonObject { ["topic"] = "news" });

        (await alice.StateContentAsync(roomId, "m.custom", "key1"))["a"]!.GetValue<int>().Should().Be(1);
        (await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state/m.room.topic"))["topic"]!.GetValue<string>().Should().Be("news");
        var asEvent = await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state/m.custom/key1?format=event");
        asEvent["event_id"]!.GetValue<string>().Should().Be(withKey);
        asEvent["state_key"]!.GetValue<string>().Should().Be("key1");
        await (await alice.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state/m.custom/absent")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Power_levels_are_enforced_with_the_rules_reason()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.OkAsync(HttpMethod.Post, $"/join/{Esc(roomId)}", new JsonObject());

        var response = await bob.SendAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/state/m.room.name", new JsonObject { ["name"] = "mine" });
        (await response.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden))["error"]!.GetValue<string>().Should().NotBeEmpty();
    }

    [Fact]
    public async Task A_redacted_event_is_served_without_content_and_with_redacted_because()
    {
        var alice = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync();
        var eventId = await alice.SendMessageAsync(roomId, "secret");

        var redactionId = (await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/redact/{Esc(eventId)}/r1", new JsonObject { ["reason"] = "oops" }))
            ["event_id"]!.GetValue<string>();
        var again = (await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/redact/{Esc(eventId)}/r1", new JsonObject { ["reason"] = "oops" }))
            ["event_id"]!.GetValue<string>();

        again.Should().Be(redactionId);
        var ev = await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/event/{Esc(eventId)}");
        ev["content"]!.AsObject().Should().BeEmpty();
        var because = ev["unsigned"]!["redacted_because"]!;
        because["event_id"]!.GetValue<string>().Should().Be(redactionId);
        because["content"]!["reason"]!.GetValue<string>().Should().Be("oops");
    }

    [Fact]
    public async Task Only_the_sender_or_a_moderator_may_redact()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.MembershipAsync(roomId, "join");
        var aliceMessage = await alice.SendMessageAsync(roomId, "mine");
        var bobMessage = await bob.SendMessageAsync(roomId, "his");

        await (await bob.SendAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/redact/{Esc(aliceMessage)}/r1", new JsonObject()))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/redact/{Esc(bobMessage)}/r1", new JsonObject());
        (await bob.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/event/{Esc(bobMessage)}"))["content"]!.AsObject().Should().BeEmpty();
        await (await bob.SendAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/redact/{Esc("$nosuchevent")}/r2", new JsonObject()))
            .ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task A_non_member_cannot_read_a_private_rooms_events_or_state()
    {
        var alice = await NewUserAsync();
        var eve = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync();
        var eventId = await alice.SendMessageAsync(roomId, "private");

        await (await eve.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/event/{Esc(eventId)}")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await eve.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await eve.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state/m.room.name")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await eve.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/members")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task A_world_readable_room_can_be_read_by_anyone()
    {
        var alice = await NewUserAsync();
        var eve = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.history_visibility", ["content"] = new JsonObject { ["history_visibility"] = "world_readable" },
            }),
        });
        var eventId = await alice.SendMessageAsync(roomId, "public");

        (await eve.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/event/{Esc(eventId)}"))["content"]!["body"]!.GetValue<string>().Should().Be("public");
        (await eve.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state")).AsArray().Should().NotBeEmpty();
    }

    [Fact]
    public async Task Joined_visibility_hides_events_from_before_the_join_and_shared_shows_them()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var joinedOnly = await alice.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat",
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.history_visibility", ["content"] = new JsonObject { ["history_visibility"] = "joined" },
            }),
        });
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1)); // v12 room ids hash the create event, timestamp included
        var shared = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var early = await alice.SendMessageAsync(joinedOnly, "before bob");
        var earlyShared = await alice.SendMessageAsync(shared, "before bob");
        await bob.MembershipAsync(joinedOnly, "join");
        await bob.MembershipAsync(shared, "join");
        var later = await alice.SendMessageAsync(joinedOnly, "after bob");

        await (await bob.SendAsync(HttpMethod.Get, $"/rooms/{Esc(joinedOnly)}/event/{Esc(early)}")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await bob.OkAsync(HttpMethod.Get, $"/rooms/{Esc(joinedOnly)}/event/{Esc(later)}");
        await bob.OkAsync(HttpMethod.Get, $"/rooms/{Esc(shared)}/event/{Esc(earlyShared)}");

        await bob.MembershipAsync(shared, "leave");
        var afterLeaving = await alice.SendMessageAsync(shared, "after bob left");
        await bob.OkAsync(HttpMethod.Get, $"/rooms/{Esc(shared)}/event/{Esc(earlyShared)}");
        await (await bob.SendAsync(HttpMethod.Get, $"/rooms/{Esc(shared)}/event/{Esc(afterLeaving)}")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task A_former_member_sees_the_state_from_when_they_left()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "Before" });
        await bob.MembershipAsync(roomId, "join");
        await bob.MembershipAsync(roomId, "leave");
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/state/m.room.name", new JsonObject { ["name"] = "After" });

        (await bob.StateContentAsync(roomId, "m.room.name"))["name"]!.GetValue<string>().Should().Be("Before");
    }
}

public class RoomMessageRateLimitTests
{
    [Fact]
    public async Task Sending_messages_is_rate_limited_by_rc_message()
    {
        using var host = new Accounts.CustomAccountsHost(config =>
        {
            config.EnableRegistration = true;
            config.RcMessage = new Homeserver.Configuration.RateLimitConfig { PerSecond = 0.001, BurstCount = 2 };
        });
        var alice = await RoomUser.RegisterAsync(host.Client);
        var roomId = await alice.CreateRoomAsync();

        await alice.SendMessageAsync(roomId, "one");
        await alice.SendMessageAsync(roomId, "two");
        await (await alice.SendAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/send/m.room.message/t3", new JsonObject { ["body"] = "three" }))
            .ShouldBeMatrixErrorAsync(429, ErrorCodes.LimitExceeded);
    }
}
