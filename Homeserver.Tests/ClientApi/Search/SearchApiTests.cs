using System.Text.Json.Nodes;
using Homeserver.Search;
using Homeserver.Storage.Search;
using Homeserver.Tests.ClientApi.Sync;
using Microsoft.Extensions.DependencyInjection;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Search;

/// <summary><c>POST /search</c> over room events: matching, order, keys, filters, pages, context, state, groups and who may find what.</summary>
public class SearchApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private Task<HttpResponseMessage> PostAsync(string token, string json, string query = "")
    {
        var request = TestHost.Request(HttpMethod.Post, $"{V3}/search{query}", token);
        request.Content = TestHost.JsonContent(json);
        return _client.SendAsync(request);
    }

    /// <summary>Searches room events with the given criteria and returns the <c>room_events</c> result.</summary>
    private async Task<JsonObject> SearchAsync(string token, JsonObject criteria, string? nextBatch = null)
    {
        var body = new JsonObject { ["search_categories"] = new JsonObject { ["room_events"] = criteria.DeepClone() } }.ToJsonString();
        var response = await PostAsync(token, body, nextBatch is null ? "" : $"?next_batch={Q(nextBatch)}");
        var json = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, json.ToJsonString());
        return json["search_categories"]!["room_events"]!.AsObject();
    }

    private static JsonObject Term(string term, string? orderBy = null, JsonObject? filter = null)
    {
        var criteria = new JsonObject { ["search_term"] = term };
        if (orderBy is not null) criteria["order_by"] = orderBy;
        if (filter is not null) criteria["filter"] = filter;
        return criteria;
    }

    private static List<string> ResultIds(JsonObject roomEvents) =>
        [.. roomEvents["results"]!.AsArray().Select(r => (string)r!["result"]!["event_id"]!)];

    [Fact]
    public async Task Finds_messages_by_words_ranked_by_relevance_or_newest_first()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var weak = await _rooms.MessageAsync(roomId, alice, "a long message that mentions Martians only once among many other words");
        var strong = await _rooms.MessageAsync(roomId, alice, "martians martians martians");
        await _rooms.MessageAsync(roomId, alice, "nothing to see here");
        var recent = await _rooms.MessageAsync(roomId, alice, "Martians again!");

        var byRank = await SearchAsync(token, Term("MARTIANS"));
        ResultIds(byRank).Should().HaveCount(3).And.StartWith(strong);
        byRank["results"]!.AsArray().Select(r => (double)r!["rank"]!).Should().BeInDescendingOrder();
        ((long)byRank["count"]!).Should().Be(3);
        byRank["highlights"]!.AsArray().Select(h => (string)h!).Should().Equal("martians");
        byRank.ContainsKey("next_batch").Should().BeFalse();
        var first = byRank["results"]![0]!["result"]!;
        ((string)first["room_id"]!).Should().Be(roomId);
        ((string)first["content"]!["body"]!).Should().Be("martians martians martians");

        ResultIds(await SearchAsync(token, Term("martians", "recent"))).Should().Equal(recent, strong, weak);
        // Words are matched as prefixes and all of them are required; punctuation is no syntax.
        ResultIds(await SearchAsync(token, Term("mart \"again\" OR"))).Should().BeEmpty();
        ResultIds(await SearchAsync(token, Term("mart* (again)"))).Should().Equal(recent);
        (await SearchAsync(token, Term("!!!")))["results"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Keys_choose_between_message_bodies_room_names_and_topics()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var name = await _rooms.SendAsync(roomId, alice, "m.room.name", new JsonObject { ["name"] = "Banana stand" }, "");
        var topic = await _rooms.SendAsync(roomId, alice, "m.room.topic", new JsonObject
        {
            ["topic"] = "Fruit talk",
            ["m.topic"] = new JsonObject { ["m.text"] = new JsonArray(new JsonObject { ["mimetype"] = "text/plain", ["body"] = "all about bananas" }) },
        }, "");
        var message = await _rooms.MessageAsync(roomId, alice, "banana split");

        ResultIds(await SearchAsync(token, Term("banana", "recent"))).Should().Equal(message, topic, name);
        var names = Term("banana");
        names["keys"] = new JsonArray("content.name");
        ResultIds(await SearchAsync(token, names)).Should().Equal(name);
        var topics = Term("fruit");
        topics["keys"] = new JsonArray("content.topic", "content.name");
        ResultIds(await SearchAsync(token, topics)).Should().Equal(topic);
        var bodies = Term("banana", "recent");
        bodies["keys"] = new JsonArray("content.body");
        ResultIds(await SearchAsync(token, bodies)).Should().Equal(message);
    }

    [Fact]
    public async Task The_filter_limits_results_to_rooms_senders_and_types()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var (bob, _) = await _rooms.NewUserAsync();
        var first = await _rooms.CreateRoomAsync(alice);
        var second = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(first, bob, bob, "join");
        var fromAlice = await _rooms.MessageAsync(first, alice, "pineapple from alice");
        var fromBob = await _rooms.MessageAsync(first, bob, "pineapple from bob");
        var inSecond = await _rooms.MessageAsync(second, alice, "pineapple elsewhere");
        await _rooms.SendAsync(second, alice, "m.room.name", new JsonObject { ["name"] = "Pineapple room" }, "");

        ResultIds(await SearchAsync(token, Term("pineapple", "recent", new JsonObject { ["rooms"] = new JsonArray(second), ["types"] = new JsonArray("m.room.message") })))
            .Should().Equal(inSecond);
        ResultIds(await SearchAsync(token, Term("pineapple", "recent", new JsonObject { ["not_rooms"] = new JsonArray(second) })))
            .Should().Equal(fromBob, fromAlice);
        ResultIds(await SearchAsync(token, Term("pineapple", "recent", new JsonObject { ["senders"] = new JsonArray(bob) })))
            .Should().Equal(fromBob);
        ResultIds(await SearchAsync(token, Term("pineapple", "recent", new JsonObject { ["not_senders"] = new JsonArray(bob), ["not_types"] = new JsonArray("m.room.name") })))
            .Should().Equal(inSecond, fromAlice);

        var response = await PostAsync(token, """{"search_categories":{"room_events":{"search_term":"x","filter":{"limit":0}}}}""");
        await response.ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
    }

    [Fact]
    public async Task Pages_continue_with_next_batch_until_every_result_is_returned_once()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        foreach (var (orderBy, word) in new[] { ("recent", "coconut"), ("rank", "cherry") })
        {
            var ids = new List<string>();
            for (var i = 0; i < 5; i++)
                ids.Add(await _rooms.MessageAsync(roomId, alice, $"{word} number {i}"));
            var criteria = Term(word, orderBy, new JsonObject { ["limit"] = 2 });
            var seen = new List<string>();
            string? next = null;
            var pages = 0;
            do
            {
                var page = await SearchAsync(token, criteria, next);
                ResultIds(page).Should().HaveCountLessThanOrEqualTo(2);
                seen.AddRange(ResultIds(page));
                ((long)page["count"]!).Should().Be(5);
                next = (string?)page["next_batch"];
                pages++;
                // A message sent while paging does not shift the pages of either order.
                if (pages == 1) await _rooms.MessageAsync(roomId, alice, $"{word} latecomer");
            }
            while (next is not null && pages < 10);
            pages.Should().Be(3);
            if (orderBy == "recent") seen.Should().Equal(ids[4], ids[3], ids[2], ids[1], ids[0]);
            else seen.Should().BeEquivalentTo(ids).And.OnlyHaveUniqueItems();
        }

        var wrongOrder = await PostAsync(token, """{"search_categories":{"room_events":{"search_term":"coconut","order_by":"rank"}}}""", "?next_batch=s5_9");
        await wrongOrder.ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Event_context_returns_neighbours_tokens_and_historic_profiles()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.SendAsync(roomId, alice, "m.room.member", new JsonObject { ["membership"] = "join", ["displayname"] = "Alice Then" }, alice);
        await _rooms.MessageAsync(roomId, alice, "before one");
        await _rooms.MessageAsync(roomId, alice, "before two");
        var hit = await _rooms.MessageAsync(roomId, alice, "the mango message");
        await _rooms.MessageAsync(roomId, alice, "after one");
        await _rooms.SendAsync(roomId, alice, "m.room.member", new JsonObject { ["membership"] = "join", ["displayname"] = "Alice Now" }, alice);

        var criteria = Term("mango");
        criteria["event_context"] = new JsonObject { ["before_limit"] = 2, ["after_limit"] = 1, ["include_profile"] = true };
        var result = (await SearchAsync(token, criteria))["results"]!.AsArray().Single()!;
        ((string)result["result"]!["event_id"]!).Should().Be(hit);
        var context = result["context"]!;
        Bodies(context["events_before"]!.AsArray()).Should().Equal("before two", "before one");
        Bodies(context["events_after"]!.AsArray()).Should().Equal("after one");
        ((string)context["profile_info"]![alice]!["displayname"]!).Should().Be("Alice Then");

        var earlier = await _rooms.MessagesAsync(token, roomId, $"dir=b&limit=1&from={Q((string)context["start"]!)}");
        ((string)earlier["chunk"]![0]!["event_id"]!).Should().NotBe(hit);
        Bodies(earlier["chunk"]!.AsArray()).Should().BeEmpty("the event before 'before one' is the displayname change");
        var later = await _rooms.MessagesAsync(token, roomId, $"dir=f&limit=1&from={Q((string)context["end"]!)}");
        later["chunk"]!.AsArray().Select(e => (string)e!["type"]!).Should().Equal("m.room.member");

        var defaults = Term("mango");
        defaults["event_context"] = new JsonObject();
        var plain = (await SearchAsync(token, defaults))["results"]![0]!["context"]!.AsObject();
        plain["events_before"]!.AsArray().Should().HaveCount(5);
        plain.ContainsKey("profile_info").Should().BeFalse();
    }

    [Fact]
    public async Task Include_state_and_groupings_describe_the_rooms_and_senders_of_the_results()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var (bob, _) = await _rooms.NewUserAsync();
        var first = await _rooms.CreateRoomAsync(alice);
        var second = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(second, bob, bob, "join");
        var a1 = await _rooms.MessageAsync(first, alice, "papaya one");
        var a2 = await _rooms.MessageAsync(second, alice, "papaya two");
        var b1 = await _rooms.MessageAsync(second, bob, "papaya three");

        var criteria = Term("papaya", "recent");
        criteria["include_state"] = true;
        criteria["groupings"] = new JsonObject { ["group_by"] = new JsonArray(new JsonObject { ["key"] = "room_id" }, new JsonObject { ["key"] = "sender" }) };
        var roomEvents = await SearchAsync(token, criteria);
        ResultIds(roomEvents).Should().Equal(b1, a2, a1);

        var state = roomEvents["state"]!.AsObject();
        state.Select(s => s.Key).Should().BeEquivalentTo([first, second]);
        state[second]!.AsArray().Where(e => (string?)e!["type"] == "m.room.member").Select(e => (string)e!["state_key"]!)
            .Should().BeEquivalentTo([alice, bob]);
        state[first]!.AsArray().Select(e => (string)e!["type"]!).Should().Contain("m.room.create");

        var byRoom = roomEvents["groups"]!["room_id"]!;
        byRoom[second]!["results"]!.AsArray().Select(r => (string)r!).Should().Equal(b1, a2);
        ((int)byRoom[second]!["order"]!).Should().Be(1);
        byRoom[first]!["results"]!.AsArray().Select(r => (string)r!).Should().Equal(a1);
        ((int)byRoom[first]!["order"]!).Should().Be(2);
        var bySender = roomEvents["groups"]!["sender"]!;
        bySender[bob]!["results"]!.AsArray().Select(r => (string)r!).Should().Equal(b1);
        bySender[alice]!["results"]!.AsArray().Select(r => (string)r!).Should().Equal(a2, a1);
        roomEvents.ContainsKey("next_batch").Should().BeFalse();
    }

    [Fact]
    public async Task A_later_joiner_does_not_find_history_hidden_from_them_and_a_leaver_finds_nothing_after_leaving()
    {
        var (alice, _) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.SendAsync(roomId, alice, "m.room.history_visibility", new JsonObject { ["history_visibility"] = "joined" }, "");
        await _rooms.MessageAsync(roomId, alice, "kiwi before bob");
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var seen = await _rooms.MessageAsync(roomId, alice, "kiwi with bob");
        await _rooms.MembershipAsync(roomId, bob, bob, "leave");
        await _rooms.MessageAsync(roomId, alice, "kiwi after bob");

        ResultIds(await SearchAsync(bobToken, Term("kiwi"))).Should().Equal(seen);
        var withState = Term("kiwi");
        withState["include_state"] = true;
        var state = (await SearchAsync(bobToken, withState))["state"]![roomId]!.AsArray();
        state.Single(e => (string?)e!["type"] == "m.room.member" && (string?)e["state_key"] == bob)!["content"]!["membership"]!
            .GetValue<string>().Should().Be("leave");
    }

    [Fact]
    public async Task Someone_outside_a_private_room_finds_nothing_of_it()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (_, strangerToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.SendAsync(roomId, alice, "m.room.join_rules", new JsonObject { ["join_rule"] = "invite" }, "");
        await _rooms.SendAsync(roomId, alice, "m.room.name", new JsonObject { ["name"] = "Secret durian club" }, "");
        var secret = await _rooms.MessageAsync(roomId, alice, "the durian secret");

        ResultIds(await SearchAsync(aliceToken, Term("the durian"))).Should().Equal(secret);
        var stranger = await SearchAsync(strangerToken, Term("durian", filter: new JsonObject { ["rooms"] = new JsonArray(roomId) }));
        stranger["results"]!.AsArray().Should().BeEmpty();
        ((long)stranger["count"]!).Should().Be(0);
        var withState = Term("durian");
        withState["include_state"] = true;
        withState["groupings"] = new JsonObject { ["group_by"] = new JsonArray(new JsonObject { ["key"] = "room_id" }) };
        var everything = await SearchAsync(strangerToken, withState);
        everything["results"]!.AsArray().Should().BeEmpty();
        everything["state"]!.AsObject().Should().BeEmpty();
        everything["groups"]!["room_id"]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task Redacted_and_encrypted_events_are_not_found()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var redacted = await _rooms.MessageAsync(roomId, alice, "lychee to forget");
        var kept = await _rooms.MessageAsync(roomId, alice, "lychee to keep");
        await _rooms.SendAsync(roomId, alice, "m.room.encrypted", new JsonObject
        {
            ["algorithm"] = "m.megolm.v1.aes-sha2", ["ciphertext"] = "lychee", ["body"] = "lychee", ["sender_key"] = "k", ["session_id"] = "s", ["device_id"] = "D",
        });
        ResultIds(await SearchAsync(token, Term("lychee", "recent"))).Should().Equal(kept, redacted);

        await _rooms.RedactAsync(roomId, alice, redacted);
        ResultIds(await SearchAsync(token, Term("lychee", "recent"))).Should().Equal(kept);
        ResultIds(await SearchAsync(token, Term("forget"))).Should().BeEmpty();
        // The indexer removed the redacted text itself, not only the search's check.
        var store = host.Services.GetRequiredService<IEventSearchStore>();
        (await store.SearchAsync(new SearchQuery(["forget"], [roomId], SearchKeys.All, true, long.MaxValue, 0, 10), CancellationToken.None))
            .Should().BeEmpty();
    }

    [Fact]
    public async Task Rooms_with_encryption_enabled_are_not_searched()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var before = await _rooms.MessageAsync(roomId, alice, "quince in the clear");
        await _rooms.SendAsync(roomId, alice, "m.room.encryption", new JsonObject { ["algorithm"] = "m.megolm.v1.aes-sha2" }, "");
        await _rooms.MessageAsync(roomId, alice, "quince sent unencrypted anyway");
        await _rooms.SendAsync(roomId, alice, "m.room.name", new JsonObject { ["name"] = "Quince room" }, "");

        ResultIds(await SearchAsync(token, Term("quince"))).Should().Equal(before);
    }

    [Fact]
    public async Task A_message_sent_over_the_api_is_findable_at_once()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var request = TestHost.Request(HttpMethod.Put, $"{V3}/rooms/{Q(roomId)}/send/m.room.message/txn1", token);
        request.Content = TestHost.JsonContent("""{"msgtype":"m.text","body":"guava fresh"}""");
        var sent = await (await _client.SendAsync(request)).ReadJsonObjectAsync();
        ResultIds(await SearchAsync(token, Term("guava"))).Should().Equal((string)sent["event_id"]!);
    }

    [Theory]
    [InlineData("""{}""", "M_BAD_JSON")]
    [InlineData("""{"search_categories":[]}""", "M_BAD_JSON")]
    [InlineData("""{"search_categories":{"room_events":{}}}""", "M_BAD_JSON")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":5}}}""", "M_BAD_JSON")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","keys":["content.secret"]}}}""", "M_INVALID_PARAM")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","keys":"content.body"}}}""", "M_BAD_JSON")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","order_by":"oldest"}}}""", "M_INVALID_PARAM")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","event_context":{"before_limit":-1}}}}""", "M_INVALID_PARAM")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","event_context":{"after_limit":"5"}}}}""", "M_BAD_JSON")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","include_state":"yes"}}}""", "M_BAD_JSON")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","groupings":{"group_by":[{"key":"type"}]}}}}""", "M_INVALID_PARAM")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","filter":{"senders":"@a:b"}}}}""", "M_BAD_JSON")]
    [InlineData("""{"search_categories":{"room_events":{"search_term":"x","x":1,"x":2}}}""", "M_NOT_JSON")]
    public async Task Invalid_requests_are_refused(string body, string errcode)
    {
        var (_, token) = await _rooms.NewUserAsync();
        await (await PostAsync(token, body)).ShouldBeMatrixErrorAsync(400, errcode);
    }

    [Fact]
    public async Task Limits_tokens_categories_and_authentication_are_checked()
    {
        var (_, token) = await _rooms.NewUserAsync();
        var longTerm = new string('a', 1001);
        await (await PostAsync(token, "{\"search_categories\":{\"room_events\":{\"search_term\":\"" + longTerm + "\"}}}")).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await PostAsync(token, """{"search_categories":{"room_events":{"search_term":"x"}}}""", "?next_batch=bogus"))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        foreach (var body in new[] { """{"search_categories":{}}""", """{"search_categories":{"org.example.people":{"search_term":"x"}}}""" })
        {
            var response = await PostAsync(token, body);
            var json = await response.ReadJsonObjectAsync();
            ((int)response.StatusCode).Should().Be(200);
            json.ToJsonString().Should().Be("""{"search_categories":{}}""");
        }

        var guestToken = await host.AddTokenAsync(NewUserId(), "GUEST", isGuest: true);
        await (await PostAsync(guestToken, """{"search_categories":{}}""")).ShouldBeMatrixErrorAsync(403, "M_GUEST_ACCESS_FORBIDDEN");

        var anonymous = TestHost.Request(HttpMethod.Post, $"{V3}/search");
        anonymous.Content = TestHost.JsonContent("""{"search_categories":{}}""");
        await (await _client.SendAsync(anonymous)).ShouldBeMatrixErrorAsync(401, "M_MISSING_TOKEN");
    }
}
