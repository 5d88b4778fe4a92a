using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Rooms;

public class TimestampToEventTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private const string V1 = "/_matrix/client/v1";

    private Task<RoomUser> NewUserAsync() => RoomUser.RegisterAsync(fixture.Client, "ts");

    private void Tick(int milliseconds = 1000) => fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(milliseconds));

    private Task<HttpResponseMessage> LookupAsync(RoomUser user, string roomId, string query) =>
        fixture.Client.SendJsonAsync(HttpMethod.Get, $"{V1}/rooms/{Esc(roomId)}/timestamp_to_event?{query}", null, user.Token);

    private async Task<JsonObject> FoundAsync(RoomUser user, string roomId, long ts, string dir)
    {
        var response = await LookupAsync(user, roomId, $"ts={ts}&dir={dir}");
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(200, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<long> TimestampOfAsync(RoomUser user, string roomId, string eventId) =>
        (await user.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/event/{Esc(eventId)}"))["origin_server_ts"]!.GetValue<long>();

    [Fact]
    public async Task The_nearest_event_is_found_in_each_direction()
    {
        var alice = await NewUserAsync();
        Tick();
        var roomId = await alice.CreateRoomAsync();
        Tick();
        var first = await alice.SendMessageAsync(roomId, "one");
        Tick();
        var second = await alice.SendMessageAsync(roomId, "two");
        var firstTs = await TimestampOfAsync(alice, roomId, first);
        var secondTs = await TimestampOfAsync(alice, roomId, second);
        secondTs.Should().Be(firstTs + 1000);

        var forward = await FoundAsync(alice, roomId, firstTs + 1, "f");
        forward["event_id"]!.GetValue<string>().Should().Be(second);
        forward["origin_server_ts"]!.GetValue<long>().Should().Be(secondTs);
        (await FoundAsync(alice, roomId, secondTs - 1, "b"))["event_id"]!.GetValue<string>().Should().Be(first);
        (await FoundAsync(alice, roomId, firstTs, "f"))["event_id"]!.GetValue<string>().Should().Be(first);
        (await FoundAsync(alice, roomId, firstTs, "b"))["event_id"]!.GetValue<string>().Should().Be(first);
        (await FoundAsync(alice, roomId, secondTs + 5000, "b"))["event_id"]!.GetValue<string>().Should().Be(second);

        await (await LookupAsync(alice, roomId, $"ts={secondTs + 1}&dir=f")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await LookupAsync(alice, roomId, "ts=0&dir=b")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        var creation = await FoundAsync(alice, roomId, 0, "f");
        (await TimestampOfAsync(alice, roomId, creation["event_id"]!.GetValue<string>())).Should().BeLessThan(firstTs);
    }

    [Fact]
    public async Task History_visibility_applies_to_each_candidate_and_strangers_are_refused()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var stranger = await NewUserAsync();
        Tick();
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat",
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.history_visibility", ["content"] = new JsonObject { ["history_visibility"] = "joined" },
            }),
        });
        Tick();
        var before = await alice.SendMessageAsync(roomId, "before bob");
        var beforeTs = await TimestampOfAsync(alice, roomId, before);
        Tick();
        await bob.MembershipAsync(roomId, "join");
        var bobJoin = (await alice.StateContentAsync(roomId, "m.room.member", bob.UserId)).AsObject();
        bobJoin["membership"]!.GetValue<string>().Should().Be("join");

        // Bob cannot see what was said before he joined: forwards he lands on his own join; backwards he skips the
        // message and lands on the change to "joined", which he may see because the state before it was "shared".
        var found = await FoundAsync(bob, roomId, beforeTs, "f");
        var joinEvent = (await bob.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/event/{Esc(found["event_id"]!.GetValue<string>())}")).AsObject();
        joinEvent["type"]!.GetValue<string>().Should().Be("m.room.member");
        joinEvent["state_key"]!.GetValue<string>().Should().Be(bob.UserId);
        var earlier = await FoundAsync(bob, roomId, beforeTs, "b");
        earlier["origin_server_ts"]!.GetValue<long>().Should().BeLessThan(beforeTs);
        (await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/event/{Esc(earlier["event_id"]!.GetValue<string>())}"))["content"]!
            ["history_visibility"]!.GetValue<string>().Should().Be("joined");
        (await FoundAsync(alice, roomId, beforeTs, "b"))["event_id"]!.GetValue<string>().Should().Be(before);

        await (await LookupAsync(stranger, roomId, $"ts={beforeTs}&dir=f")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);

        // After he leaves, what is said is hidden from him: nothing to find forwards.
        Tick();
        await bob.MembershipAsync(roomId, "leave");
        Tick();
        var after = await alice.SendMessageAsync(roomId, "after bob");
        var afterTs = await TimestampOfAsync(alice, roomId, after);
        await (await LookupAsync(bob, roomId, $"ts={afterTs}&dir=f")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await FoundAsync(alice, roomId, afterTs, "f"))["event_id"]!.GetValue<string>().Should().Be(after);
    }

    [Fact]
    public async Task World_readable_rooms_answer_anyone()
    {
        var alice = await NewUserAsync();
        var stranger = await NewUserAsync();
        Tick();
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.history_visibility", ["content"] = new JsonObject { ["history_visibility"] = "world_readable" },
            }),
        });
        Tick();
        var message = await alice.SendMessageAsync(roomId, "public words");
        var ts = await TimestampOfAsync(alice, roomId, message);

        (await FoundAsync(stranger, roomId, ts, "b"))["event_id"]!.GetValue<string>().Should().Be(message);
    }

    [Fact]
    public async Task Bad_parameters_and_unknown_rooms_are_refused()
    {
        var alice = await NewUserAsync();
        Tick();
        var roomId = await alice.CreateRoomAsync();

        await (await LookupAsync(alice, roomId, "dir=f")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await LookupAsync(alice, roomId, "ts=1")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await LookupAsync(alice, roomId, "ts=soon&dir=f")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await LookupAsync(alice, roomId, "ts=1.5&dir=f")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await LookupAsync(alice, roomId, "ts=1&dir=up")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await LookupAsync(alice, roomId, "ts=1&ts=2&dir=f")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await LookupAsync(alice, "!unknown:test.example", "ts=1&dir=f")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await LookupAsync(alice, "nonsense", "ts=1&dir=f")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        (await fixture.Client.SendJsonAsync(HttpMethod.Get, $"{V1}/rooms/{Esc(roomId)}/timestamp_to_event?ts=1&dir=f", null))
            .StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
    }
}
