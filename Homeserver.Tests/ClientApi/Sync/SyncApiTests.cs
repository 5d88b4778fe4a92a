using System.Diagnostics;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.Events;
using Homeserver.Tests.Http;
using Homeserver.Tests.ClientApi.UserData;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Sync;

public class SyncApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly SyncTestRooms _rooms = new(host);

    [Fact]
    public async Task Initial_sync_gives_the_joined_room_with_timeline_state_and_next_batch()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MessageAsync(roomId, alice, "one");
        await _rooms.MessageAsync(roomId, alice, "two");

        var sync = await _rooms.SyncAsync(token, "filter=" + Q("""{"room":{"timeline":{"limit":2}}}"""));

        ((string)sync["next_batch"]!).Should().StartWith("s1_");
        var room = sync["rooms"]!["join"]![roomId]!;
        Bodies(room["timeline"]!["events"]!.AsArray()).Should().Equal("one", "two");
        ((bool)room["timeline"]!["limited"]!).Should().BeTrue();
        room["timeline"]!["events"]![0]!["room_id"].Should().BeNull();
        var stateTypes = room["state"]!["events"]!.AsArray().Select(e => (string)e!["type"]!).ToList();
        stateTypes.Should().BeEquivalentTo(["m.room.create", "m.room.member", "m.room.power_levels", "m.room.join_rules"]);
        room["ephemeral"]!["events"]!.AsArray().Should().BeEmpty();
        ((int)room["unread_notifications"]!["notification_count"]!).Should().Be(0);
        sync["presence"]!["events"]!.AsArray().Should().BeEmpty();
        sync["device_lists"]!["changed"]!.AsArray().Should().BeEmpty();
        room["summary"].ShouldEqualJson("""{"m.heroes":[],"m.joined_member_count":1,"m.invited_member_count":0}""");
    }

    [Fact]
    public async Task Summary_counts_members_and_names_heroes_when_membership_changes()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var bob = NewUserId();
        var carol = NewUserId();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var first = await _rooms.SyncAsync(token);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        await _rooms.MembershipAsync(roomId, alice, carol, "invite");

        var sync = await _rooms.SyncAsync(token, "since=" + Q((string)first["next_batch"]!));
        var summary = sync["rooms"]!["join"]![roomId]!["summary"]!;
        ((int)summary["m.joined_member_count"]!).Should().Be(2);
        ((int)summary["m.invited_member_count"]!).Should().Be(1);
        summary["m.heroes"]!.AsArray().Select(h => (string)h!).Should().BeEquivalentTo([bob, carol]);

        await _rooms.MessageAsync(roomId, alice, "no member change");
        var quiet = await _rooms.SyncAsync(token, "since=" + Q((string)sync["next_batch"]!));
        quiet["rooms"]!["join"]![roomId]!["summary"].ShouldEqualJson("{}");
    }

    [Fact]
    public async Task Initial_sync_without_limit_gives_all_recent_events_not_limited()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);

        var sync = await _rooms.SyncAsync(token);

        var room = sync["rooms"]!["join"]![roomId]!;
        ((bool)room["timeline"]!["limited"]!).Should().BeFalse();
        room["timeline"]!["events"]!.AsArray().Select(e => (string)e!["type"]!)
            .Should().Equal("m.room.create", "m.room.member", "m.room.power_levels", "m.room.join_rules");
        room["state"]!["events"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Incremental_sync_returns_only_new_events()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MessageAsync(roomId, alice, "old");
        var first = await _rooms.SyncAsync(token);
        await _rooms.MessageAsync(roomId, alice, "new");

        var second = await _rooms.SyncAsync(token, "since=" + Q((string)first["next_batch"]!));

        Bodies(TimelineOf(second, roomId)).Should().Equal("new");
        ((bool)second["rooms"]!["join"]![roomId]!["timeline"]!["limited"]!).Should().BeFalse();
        second["rooms"]!["join"]![roomId]!["state"]!["events"]!.AsArray().Should().BeEmpty();
        ((string)second["next_batch"]!).Should().NotBe((string)first["next_batch"]!);
    }

    [Fact]
    public async Task Long_poll_is_woken_by_a_new_event()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var first = await _rooms.SyncAsync(token);

        var clock = Stopwatch.StartNew();
        var poll = _rooms.SyncAsync(token, $"timeout=20000&since={Q((string)first["next_batch"]!)}");
        await Task.Delay(200);
        poll.IsCompleted.Should().BeFalse();
        await _rooms.MessageAsync(roomId, alice, "wake");
        var woken = await poll;

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        Bodies(TimelineOf(woken, roomId)).Should().Equal("wake");
    }

    [Fact]
    public async Task Long_poll_with_nothing_new_returns_empty_after_the_timeout()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        await _rooms.CreateRoomAsync(alice);
        var first = await _rooms.SyncAsync(token);

        var clock = Stopwatch.StartNew();
        var empty = await _rooms.SyncAsync(token, $"timeout=400&since={Q((string)first["next_batch"]!)}");

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350));
        empty["rooms"]!["join"]!.AsObject().Should().BeEmpty();
        empty["account_data"]!["events"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Limited_timeline_prev_batch_continues_in_messages_without_gaps_or_duplicates()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var first = await _rooms.SyncAsync(token);
        var sent = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            await _rooms.MessageAsync(roomId, alice, $"m{i}");
            sent.Add($"m{i}");
        }

        var sync = await _rooms.SyncAsync(token, $"since={Q((string)first["next_batch"]!)}&filter={Q("""{"room":{"timeline":{"limit":5}}}""")}");
        var room = sync["rooms"]!["join"]![roomId]!;
        ((bool)room["timeline"]!["limited"]!).Should().BeTrue();
        var seen = Bodies(room["timeline"]!["events"]!.AsArray());
        seen.Should().Equal(sent.Skip(7));

        var from = (string)room["timeline"]!["prev_batch"]!;
        var older = new List<string>();
        for (var page = 0; page < 10; page++)
        {
            var messages = await _rooms.MessagesAsync(token, roomId, $"dir=b&limit=3&from={Q(from)}");
            older.AddRange(Bodies(messages["chunk"]!.AsArray()));
            if (messages["end"] is null) break;
            from = (string)messages["end"]!;
        }
        older.Reverse();
        older.Concat(seen).Should().Equal(sent);
    }

    [Fact]
    public async Task Timeline_filter_applies_types_and_limit_inline_and_stored()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MessageAsync(roomId, alice, "a");
        await _rooms.SendAsync(roomId, alice, "org.example.other", new JsonObject());
        await _rooms.MessageAsync(roomId, alice, "b");
        await _rooms.MessageAsync(roomId, alice, "c");
        const string filter = """{"room":{"timeline":{"limit":2,"types":["m.room.mes*"]}}}""";

        var inline = await _rooms.SyncAsync(token, "filter=" + Q(filter));
        TimelineOf(inline, roomId).Select(e => (string)e!["content"]!["body"]!).Should().Equal("b", "c");

        var client = host.CreateClient();
        var post = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{V3}/user/{Q(alice)}/filter")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = TestHost.JsonContent("""{"room":{"timeline":{"limit":3,"not_types":["m.room.message"]}}}"""),
        });
        var filterId = (string)(await post.ReadJsonObjectAsync())["filter_id"]!;
        var stored = await _rooms.SyncAsync(token, "filter=" + filterId);
        TimelineOf(stored, roomId).Select(e => (string)e!["type"]!).Should().Equal("m.room.power_levels", "m.room.join_rules", "org.example.other");
    }

    [Fact]
    public async Task Room_filter_leaves_out_other_rooms()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var kept = await _rooms.CreateRoomAsync(alice);
        var dropped = await _rooms.CreateRoomAsync(alice);

        var sync = await _rooms.SyncAsync(token, "filter=" + Q($$$"""{"room":{"not_rooms":["{{{dropped}}}"]}}"""));

        sync["rooms"]!["join"]!.AsObject().Select(p => p.Key).Should().Equal(kept);
    }

    [Fact]
    public async Task Invite_appears_with_stripped_state()
    {
        var (alice, _) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.SendAsync(roomId, alice, "m.room.name", new JsonObject { ["name"] = "Tea" }, "");
        var before = await _rooms.SyncAsync(bobToken);
        before["rooms"]!["invite"]!.AsObject().Should().BeEmpty();
        await _rooms.MembershipAsync(roomId, alice, bob, "invite");

        var sync = await _rooms.SyncAsync(bobToken, "since=" + Q((string)before["next_batch"]!));

        var stripped = sync["rooms"]!["invite"]![roomId]!["invite_state"]!["events"]!.AsArray();
        stripped.Select(e => (string)e!["type"]!).Should().Contain(["m.room.create", "m.room.name", "m.room.join_rules", "m.room.member"]);
        var invite = stripped.Single(e => (string)e!["type"]! == "m.room.member" && (string)e!["state_key"]! == bob)!;
        ((string)invite["content"]!["membership"]!).Should().Be("invite");
        ((string)invite["sender"]!).Should().Be(alice);
        sync["rooms"]!["join"]!.AsObject().Should().NotContainKey(roomId);
    }

    [Fact]
    public async Task Leave_appears_in_rooms_leave_with_the_timeline_up_to_the_leave()
    {
        var (alice, _) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var joined = await _rooms.SyncAsync(bobToken);
        joined["rooms"]!["join"]!.AsObject().Should().ContainKey(roomId);
        await _rooms.MessageAsync(roomId, alice, "before leave");
        var leaveId = await _rooms.MembershipAsync(roomId, bob, bob, "leave");
        await _rooms.MessageAsync(roomId, alice, "after leave");

        var sync = await _rooms.SyncAsync(bobToken, "since=" + Q((string)joined["next_batch"]!));

        sync["rooms"]!["join"]!.AsObject().Should().NotContainKey(roomId);
        var timeline = sync["rooms"]!["leave"]![roomId]!["timeline"]!["events"]!.AsArray();
        Bodies(timeline).Should().Equal("before leave");
        Ids(timeline).Last().Should().Be(leaveId);

        var initial = await _rooms.SyncAsync(bobToken);
        initial["rooms"]!["leave"]!.AsObject().Should().BeEmpty();
        var withLeave = await _rooms.SyncAsync(bobToken, "filter=" + Q("""{"room":{"include_leave":true}}"""));
        withLeave["rooms"]!["leave"]!.AsObject().Should().ContainKey(roomId);
    }

    [Fact]
    public async Task Account_data_changes_appear_global_and_per_room()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var first = await _rooms.SyncAsync(token);
        var client = host.CreateClient();

        var poll = _rooms.SyncAsync(token, $"timeout=20000&since={Q((string)first["next_batch"]!)}");
        await Task.Delay(200);
        await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"{V3}/user/{Q(alice)}/account_data/org.example.theme")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = TestHost.JsonContent("""{"dark":true}"""),
        });
        var woken = await poll;
        var global = woken["account_data"]!["events"]!.AsArray().Single()!;
        ((string)global["type"]!).Should().Be("org.example.theme");
        ((bool)global["content"]!["dark"]!).Should().BeTrue();

        await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"{V3}/user/{Q(alice)}/rooms/{Q(roomId)}/account_data/org.example.muted")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = TestHost.JsonContent("""{"muted":true}"""),
        });
        var next = await _rooms.SyncAsync(token, $"since={Q((string)woken["next_batch"]!)}");
        next["account_data"]!["events"]!.AsArray().Should().BeEmpty();
        var roomData = next["rooms"]!["join"]![roomId]!["account_data"]!["events"]!.AsArray().Single()!;
        ((string)roomData["type"]!).Should().Be("org.example.muted");
    }

    [Fact]
    public async Task Own_event_carries_the_transaction_id_for_the_sending_device_only()
    {
        var alice = NewUserId();
        var phone = await host.AddTokenAsync(alice, "PHONE");
        var laptop = await host.AddTokenAsync(alice, "LAPTOP");
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MessageAsync(roomId, alice, "hi", new ClientTransactionKey(alice, "PHONE", "txn-1"));

        var fromPhone = TimelineOf(await _rooms.SyncAsync(phone), roomId).Last()!;
        ((string)fromPhone["unsigned"]!["transaction_id"]!).Should().Be("txn-1");
        var fromLaptop = TimelineOf(await _rooms.SyncAsync(laptop), roomId).Last()!;
        fromLaptop["unsigned"]!["transaction_id"].Should().BeNull();
    }

    [Fact]
    public async Task Redacted_events_are_shown_redacted_in_sync_and_messages()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var secretId = await _rooms.MessageAsync(roomId, alice, "secret");
        var redactionId = await _rooms.RedactAsync(roomId, alice, secretId);

        var sync = await _rooms.SyncAsync(token);
        var shown = TimelineOf(sync, roomId).Single(e => (string)e!["event_id"]! == secretId)!;
        shown["content"]!.AsObject().Should().BeEmpty();
        ((string)shown["unsigned"]!["redacted_because"]!["event_id"]!).Should().Be(redactionId);

        var page = await _rooms.MessagesAsync(token, roomId, "dir=b&limit=5");
        var paged = page["chunk"]!.AsArray().Single(e => (string)e!["event_id"]! == secretId)!;
        paged["content"]!.AsObject().Should().BeEmpty();
    }

    [Theory]
    [InlineData("since=garbage")]
    [InlineData("since=s1_1_2_3")]
    [InlineData("since=s1_01_0_0_0")]
    [InlineData("since=s1_-1_0_0_0")]
    [InlineData("since=s1_1_2_3_4_5_6")]
    [InlineData("since=s1_1_2_3_4_5_6_7_8")]
    [InlineData("since=s1_1_2_3_")]
    [InlineData("since=s2_1_2_3_4")]
    [InlineData("since=s1_99999999999999999999_0_0_0")]
    [InlineData("timeout=soon")]
    [InlineData("full_state=yes")]
    [InlineData("filter=abc")]
    public async Task Bad_parameters_are_400_M_INVALID_PARAM(string query)
    {
        var (_, token) = await _rooms.NewUserAsync();
        await (await _rooms.GetAsync($"{V3}/sync?{query}", token)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Sync_requires_an_access_token()
    {
        var client = host.CreateClient();
        await (await client.GetAsync($"{V3}/sync")).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
    }
}
