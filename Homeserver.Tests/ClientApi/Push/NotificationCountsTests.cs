using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Federation.Http;
using Homeserver.Storage.Database;
using Microsoft.Extensions.DependencyInjection;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Push;

/// <summary>Push evaluation of room events as sync's unread counts and <c>GET /notifications</c>.</summary>
public class NotificationCountsTests(TestHost host) : IClassFixture<TestHost>
{
    private const string ThreadFilter = """{"room":{"timeline":{"unread_thread_notifications":true}}}""";

    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private async Task<(string Alice, string Bob, string BobToken, string RoomId)> RoomAsync()
    {
        var (alice, _) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        return (alice, bob, bobToken, roomId);
    }

    private async Task ReceiptAsync(string token, string roomId, string eventId, string type = "m.read", string body = "{}")
    {
        var request = TestHost.Request(HttpMethod.Post, $"{V3}/rooms/{Q(roomId)}/receipt/{type}/{Q(eventId)}", token);
        request.Content = TestHost.JsonContent(body);
        (await _client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private Task<JsonObject> SyncAsync(string token, string? since = null, string? filter = null)
    {
        var query = new List<string>();
        if (since is not null) query.Add($"since={Q(since)}&timeout=0");
        if (filter is not null) query.Add($"filter={Q(filter)}");
        return _rooms.SyncAsync(token, string.Join("&", query));
    }

    private static (long Notifications, long Highlights) Counts(JsonObject sync, string roomId)
    {
        var counts = sync["rooms"]!["join"]![roomId]!["unread_notifications"]!;
        return ((long)counts["notification_count"]!, (long)counts["highlight_count"]!);
    }

    private Task<string> MentionAsync(string roomId, string sender, string mentioned) =>
        _rooms.SendAsync(roomId, sender, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = "look",
            ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(mentioned) },
        });

    private Task<string> ThreadReplyAsync(string roomId, string sender, string root, string body) =>
        _rooms.SendAsync(roomId, sender, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = body,
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.thread", ["event_id"] = root },
        });

    private Task<string> RoomMentionAsync(string roomId, string sender) =>
        _rooms.SendAsync(roomId, sender, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = "everyone, look",
            ["m.mentions"] = new JsonObject { ["room"] = true },
        });

    private async Task<List<string>> NotifiedEventsAsync(string token, string query = "")
    {
        var page = await (await _rooms.GetAsync($"{V3}/notifications?limit=50{query}", token)).ReadJsonObjectAsync();
        return [.. page["notifications"]!.AsArray().Select(n => (string)n!["event"]!["event_id"]!)];
    }

    [Fact]
    public async Task Each_event_is_evaluated_in_the_state_its_previous_events_left()
    {
        // The evaluation carries the room's state from one event to the next: power levels and members changed by an
        // event apply to the events after it, never to those before.
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (bob, _) = await _rooms.NewUserAsync();
        var (carol, carolToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");

        var weakMention = await RoomMentionAsync(roomId, bob);
        await _rooms.SendAsync(roomId, alice, "m.room.power_levels", new JsonObject { ["notifications"] = new JsonObject { ["room"] = 0 } }, "");
        var strongMention = await RoomMentionAsync(roomId, bob);
        await _rooms.MembershipAsync(roomId, carol, carol, "join");
        var welcome = await _rooms.MessageAsync(roomId, bob, "welcome");
        await _rooms.MembershipAsync(roomId, carol, carol, "leave");
        var bye = await _rooms.MessageAsync(roomId, bob, "bye");

        (await NotifiedEventsAsync(aliceToken)).Should().Equal(bye, welcome, strongMention, weakMention);
        (await NotifiedEventsAsync(aliceToken, "&only=highlight")).Should().Equal(strongMention);
        (await NotifiedEventsAsync(carolToken)).Should().Equal(welcome);
    }

    [Fact]
    public async Task Messages_from_another_member_count_until_a_read_receipt()
    {
        var (alice, _, bobToken, roomId) = await RoomAsync();
        await _rooms.MessageAsync(roomId, alice, "one");
        var second = await _rooms.MessageAsync(roomId, alice, "two");

        var first = await SyncAsync(bobToken);
        Counts(first, roomId).Should().Be((2, 0));

        await ReceiptAsync(bobToken, roomId, second);
        var afterReceipt = await SyncAsync(bobToken, (string)first["next_batch"]!);
        Counts(afterReceipt, roomId).Should().Be((0, 0));

        await _rooms.MessageAsync(roomId, alice, "three");
        Counts(await SyncAsync(bobToken, (string)afterReceipt["next_batch"]!), roomId).Should().Be((1, 0));
    }

    [Fact]
    public async Task The_senders_own_messages_never_count_for_them_and_sending_reads_the_room()
    {
        var (alice, bob, bobToken, roomId) = await RoomAsync();
        await _rooms.MessageAsync(roomId, alice, "hello");
        await _rooms.MessageAsync(roomId, bob, "hi back");

        Counts(await SyncAsync(bobToken), roomId).Should().Be((0, 0));
    }

    [Fact]
    public async Task A_waiting_sync_is_woken_with_the_event_and_its_count_together()
    {
        var (alice, _, bobToken, roomId) = await RoomAsync();
        var first = await SyncAsync(bobToken);

        var poll = _rooms.SyncAsync(bobToken, $"timeout=20000&since={Q((string)first["next_batch"]!)}");
        await Task.Delay(200);
        var eventId = await MentionAsync(roomId, alice, "@nobody:test.example");
        var woken = await poll;

        Ids(TimelineOf(woken, roomId)).Should().Contain(eventId);
        Counts(woken, roomId).Should().Be((1, 0));
    }

    [Fact]
    public async Task A_mention_highlights()
    {
        var (alice, bob, bobToken, roomId) = await RoomAsync();
        await _rooms.MessageAsync(roomId, alice, "plain");
        await MentionAsync(roomId, alice, bob);

        Counts(await SyncAsync(bobToken), roomId).Should().Be((2, 1));
    }

    [Fact]
    public async Task Thread_counts_are_separate_when_asked_for_and_cleared_by_threaded_receipts()
    {
        var (alice, _, bobToken, roomId) = await RoomAsync();
        var root = await _rooms.MessageAsync(roomId, alice, "root");
        await ThreadReplyAsync(roomId, alice, root, "in thread 1");
        var reply = await ThreadReplyAsync(roomId, alice, root, "in thread 2");

        // Without the filter flag every notification counts for the room.
        Counts(await SyncAsync(bobToken), roomId).Should().Be((3, 0));

        var threaded = await SyncAsync(bobToken, filter: ThreadFilter);
        Counts(threaded, roomId).Should().Be((1, 0));
        var threads = threaded["rooms"]!["join"]![roomId]!["unread_thread_notifications"]!.AsObject();
        threads.Select(t => t.Key).Should().Equal(root);
        ((long)threads[root]!["notification_count"]!).Should().Be(2);

        await ReceiptAsync(bobToken, roomId, reply, body: $$"""{"thread_id":"{{root}}"}""");
        var afterThreadReceipt = await SyncAsync(bobToken, filter: ThreadFilter);
        Counts(afterThreadReceipt, roomId).Should().Be((1, 0));
        afterThreadReceipt["rooms"]!["join"]![roomId]!["unread_thread_notifications"].Should().BeNull();

        await ReceiptAsync(bobToken, roomId, root, body: """{"thread_id":"main"}""");
        Counts(await SyncAsync(bobToken), roomId).Should().Be((0, 0));
    }

    [Fact]
    public async Task An_event_relating_to_a_thread_event_counts_in_that_thread()
    {
        var (alice, _, bobToken, roomId) = await RoomAsync();
        // Reactions do not notify by default; this user rule makes them.
        var put = TestHost.Request(HttpMethod.Put, $"{V3}/pushrules/global/override/reactions", bobToken);
        put.Content = TestHost.JsonContent("""{"conditions":[{"kind":"event_match","key":"type","pattern":"m.reaction"}],"actions":["notify"]}""");
        (await _client.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);
        var root = await _rooms.MessageAsync(roomId, alice, "root");
        var reply = await ThreadReplyAsync(roomId, alice, root, "in thread");
        await _rooms.SendAsync(roomId, alice, "m.reaction", new JsonObject
        {
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = reply, ["key"] = "👍" },
        });

        var sync = await SyncAsync(bobToken, filter: ThreadFilter);
        Counts(sync, roomId).Should().Be((1, 0));
        ((long)sync["rooms"]!["join"]![roomId]!["unread_thread_notifications"]![root]!["notification_count"]!).Should().Be(2);
    }

    [Fact]
    public async Task A_room_rule_without_actions_silences_the_room()
    {
        var (alice, _, bobToken, roomId) = await RoomAsync();
        var put = TestHost.Request(HttpMethod.Put, $"{V3}/pushrules/global/room/{Q(roomId)}", bobToken);
        put.Content = TestHost.JsonContent("""{"actions":[]}""");
        (await _client.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);

        await _rooms.MessageAsync(roomId, alice, "quiet");
        Counts(await SyncAsync(bobToken), roomId).Should().Be((0, 0));
    }

    [Fact]
    public async Task An_event_is_one_room_notification_plus_rows_only_for_members_whose_rules_differ()
    {
        var (alice, _) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var (carol, carolToken) = await _rooms.NewUserAsync();
        var (dave, daveToken) = await _rooms.NewUserAsync();
        var (erin, _) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        foreach (var member in (string[])[bob, carol, dave, erin])
            await _rooms.MembershipAsync(roomId, member, member, "join");
        var put = TestHost.Request(HttpMethod.Put, $"{V3}/pushrules/global/room/{Q(roomId)}", bobToken);
        put.Content = TestHost.JsonContent("""{"actions":[]}""");
        (await _client.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);

        var plain = await _rooms.MessageAsync(roomId, alice, "hello all");
        var mention = await MentionAsync(roomId, alice, dave);

        // Bob silenced the room, carol and erin keep the defaults, dave is mentioned in the second message.
        Counts(await SyncAsync(bobToken), roomId).Should().Be((0, 0));
        Counts(await SyncAsync(carolToken), roomId).Should().Be((2, 0));
        Counts(await SyncAsync(daveToken), roomId).Should().Be((2, 1));
        (await NotifiedEventsAsync(bobToken)).Should().BeEmpty();
        (await NotifiedEventsAsync(carolToken)).Should().Equal(mention, plain);
        (await NotifiedEventsAsync(daveToken, "&only=highlight")).Should().Equal(mention);

        // Stored: each message once for the room; per member only bob's silence (twice) and dave's mention.
        await using var connection = await host.Services.GetRequiredService<IDatabase>().OpenConnectionAsync(CancellationToken.None);
        (await connection.QuerySingleAsync<long>("SELECT COUNT(*) FROM room_notifications WHERE room_id = @roomId", new { roomId })).Should().Be(2);
        var own = (await connection.QueryAsync<(string, long)>(
            "SELECT user_id, suppressed FROM notifications WHERE room_id = @roomId ORDER BY stream_ordering, user_id", new { roomId })).ToList();
        own.Should().BeEquivalentTo([(bob, 1L), (bob, 1L), (dave, 0L)]);
    }

    [Fact]
    public async Task Notifications_are_listed_newest_first_with_read_state_and_pages()
    {
        var (alice, bob, bobToken, roomId) = await RoomAsync();
        var one = await _rooms.MessageAsync(roomId, alice, "one");
        var two = await MentionAsync(roomId, alice, bob);
        var three = await _rooms.MessageAsync(roomId, alice, "three");
        await SyncAsync(bobToken);
        await ReceiptAsync(bobToken, roomId, two);

        var page = await (await _rooms.GetAsync($"{V3}/notifications?limit=2", bobToken)).ReadJsonObjectAsync();
        var items = page["notifications"]!.AsArray();
        items.Select(n => (string)n!["event"]!["event_id"]!).Should().Equal(three, two);
        items.Select(n => (bool)n!["read"]!).Should().Equal(false, true);
        ((string)items[0]!["room_id"]!).Should().Be(roomId);
        ((string)items[0]!["event"]!["content"]!["body"]!).Should().Be("three");
        items[0]!["ts"]!.GetValue<long>().Should().BeGreaterThan(0);
        items[1]!["actions"]!.AsArray().Should().Contain(a => a is JsonObject && (string)a["set_tweak"]! == "highlight");

        var rest = await (await _rooms.GetAsync($"{V3}/notifications?limit=2&from={Q((string)page["next_token"]!)}", bobToken)).ReadJsonObjectAsync();
        rest["notifications"]!.AsArray().Select(n => (string)n!["event"]!["event_id"]!).Should().Equal(one);
        rest.ContainsKey("next_token").Should().BeFalse();

        var highlights = await (await _rooms.GetAsync($"{V3}/notifications?only=highlight", bobToken)).ReadJsonObjectAsync();
        highlights["notifications"]!.AsArray().Select(n => (string)n!["event"]!["event_id"]!).Should().Equal(two);

        await (await _rooms.GetAsync($"{V3}/notifications?from=abc", bobToken)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await _rooms.GetAsync($"{V3}/notifications?limit=-1", bobToken)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task An_invite_notifies_the_invited_user()
    {
        var (alice, _) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var invite = await _rooms.MembershipAsync(roomId, alice, bob, "invite");

        // Evaluation runs in the background, and bob has no joined room whose sync would wait for it.
        JsonArray items = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(20); items.Count == 0 && DateTime.UtcNow < deadline; await Task.Delay(50))
            items = (await (await _rooms.GetAsync($"{V3}/notifications", bobToken)).ReadJsonObjectAsync())["notifications"]!.AsArray();
        var item = items.Single()!;
        ((string)item["event"]!["event_id"]!).Should().Be(invite);
        ((string)item["room_id"]!).Should().Be(roomId);
    }
}
