using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Sync;

public class RoomMessagesApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly SyncTestRooms _rooms = new(host);

    private async Task<(string Alice, string Token, string RoomId)> RoomWithMessagesAsync(int count)
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        for (var i = 0; i < count; i++)
            await _rooms.MessageAsync(roomId, alice, $"m{i}");
        return (alice, token, roomId);
    }

    [Fact]
    public async Task Backwards_from_the_end_pages_newest_first_and_omits_end_at_the_start()
    {
        var (_, token, roomId) = await RoomWithMessagesAsync(3);

        var page = await _rooms.MessagesAsync(token, roomId, "dir=b&limit=2");
        Bodies(page["chunk"]!.AsArray()).Should().Equal("m2", "m1");
        ((string)page["chunk"]![0]!["room_id"]!).Should().Be(roomId);

        var rest = await _rooms.MessagesAsync(token, roomId, $"dir=b&limit=100&from={Q((string)page["end"]!)}");
        rest["chunk"]!.AsArray().Select(e => (string)e!["type"]!)
            .Should().Equal("m.room.message", "m.room.join_rules", "m.room.power_levels", "m.room.member", "m.room.create");
        rest["end"].Should().BeNull();
    }

    [Fact]
    public async Task Forwards_from_a_sync_token_gives_later_events_oldest_first()
    {
        var (alice, token, roomId) = await RoomWithMessagesAsync(0);
        var sync = await _rooms.SyncAsync(token);
        for (var i = 0; i < 5; i++)
            await _rooms.MessageAsync(roomId, alice, $"n{i}");

        var first = await _rooms.MessagesAsync(token, roomId, $"dir=f&limit=3&from={Q((string)sync["next_batch"]!)}");
        Bodies(first["chunk"]!.AsArray()).Should().Equal("n0", "n1", "n2");
        var second = await _rooms.MessagesAsync(token, roomId, $"dir=f&limit=3&from={Q((string)first["end"]!)}");
        Bodies(second["chunk"]!.AsArray()).Should().Equal("n3", "n4");
        second["end"].Should().BeNull();
    }

    [Fact]
    public async Task To_bounds_the_page_and_the_filter_applies()
    {
        var (alice, token, roomId) = await RoomWithMessagesAsync(2);
        var middle = await _rooms.SyncAsync(token);
        await _rooms.SendAsync(roomId, alice, "org.example.other", new JsonObject());
        await _rooms.MessageAsync(roomId, alice, "late");

        var bounded = await _rooms.MessagesAsync(token, roomId, $"dir=b&to={Q((string)middle["next_batch"]!)}");
        bounded["chunk"]!.AsArray().Select(e => (string)e!["type"]!).Should().Equal("m.room.message", "org.example.other");

        var filtered = await _rooms.MessagesAsync(token, roomId, "dir=b&filter=" + Q("""{"types":["m.room.message"],"lazy_load_members":true}"""));
        Bodies(filtered["chunk"]!.AsArray()).Should().Equal("late", "m1", "m0");
        var members = filtered["state"]!.AsArray().Single()!;
        ((string)members["state_key"]!).Should().Be(alice);
    }

    [Fact]
    public async Task Non_members_are_403_unless_the_room_is_world_readable()
    {
        var (alice, _, roomId) = await RoomWithMessagesAsync(1);
        var (_, strangerToken) = await _rooms.NewUserAsync();

        await (await _rooms.GetAsync($"{V3}/rooms/{Q(roomId)}/messages?dir=b", strangerToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _rooms.GetAsync($"{V3}/rooms/{Q("!unknown:test.example")}/messages?dir=b", strangerToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);

        await _rooms.SendAsync(roomId, alice, "m.room.history_visibility", new JsonObject { ["history_visibility"] = "world_readable" }, "");
        var page = await _rooms.MessagesAsync(strangerToken, roomId, "dir=b&limit=1");
        page["chunk"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Former_members_read_up_to_their_leave()
    {
        var (alice, _, roomId) = await RoomWithMessagesAsync(1);
        var (bob, bobToken) = await _rooms.NewUserAsync();
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        await _rooms.MessageAsync(roomId, alice, "while bob is here");
        var leaveId = await _rooms.MembershipAsync(roomId, bob, bob, "leave");
        await _rooms.MessageAsync(roomId, alice, "after bob left");

        var page = await _rooms.MessagesAsync(bobToken, roomId, "dir=b&limit=3");

        Ids(page["chunk"]!.AsArray())[0].Should().Be(leaveId);
        Bodies(page["chunk"]!.AsArray()).Should().Equal("while bob is here");
        var forwards = await _rooms.MessagesAsync(bobToken, roomId, "dir=f&limit=100");
        Bodies(forwards["chunk"]!.AsArray()).Should().Equal("m0", "while bob is here");
    }

    [Theory]
    [InlineData("", ErrorCodes.MissingParam)]
    [InlineData("dir=x", ErrorCodes.InvalidParam)]
    [InlineData("dir=b&limit=0", ErrorCodes.InvalidParam)]
    [InlineData("dir=b&from=nonsense", ErrorCodes.InvalidParam)]
    [InlineData("dir=b&to=t-1", ErrorCodes.InvalidParam)]
    public async Task Bad_parameters_are_400(string query, string errcode)
    {
        var (_, token, roomId) = await RoomWithMessagesAsync(0);
        await (await _rooms.GetAsync($"{V3}/rooms/{Q(roomId)}/messages?{query}", token)).ShouldBeMatrixErrorAsync(400, errcode);
    }
}
