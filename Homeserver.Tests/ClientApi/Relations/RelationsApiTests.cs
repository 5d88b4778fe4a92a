using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Relations;

/// <summary>Relations, threads and bundled aggregations through the HTTP API, with their visibility rules.</summary>
public class RelationsApiTests(TestHost host) : IClassFixture<TestHost>
{
    private const string V1 = "/_matrix/client/v1";

    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private static JsonObject Relation(string relType, string parentId, string body = "child") => new()
    {
        ["msgtype"] = "m.text",
        ["body"] = body,
        ["m.relates_to"] = new JsonObject { ["rel_type"] = relType, ["event_id"] = parentId },
    };

    private async Task<JsonObject> GetOkAsync(string path, string token)
    {
        var response = await _rooms.GetAsync(path, token);
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        return body;
    }

    private static List<string> Ids(JsonNode chunk) => [.. chunk.AsArray().Select(e => (string)e!["event_id"]!)];

    [Fact]
    public async Task Relations_list_children_newest_first_filtered_by_type_and_paginated()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var root = await _rooms.MessageAsync(roomId, alice, "root");
        var t1 = await _rooms.SendAsync(roomId, alice, "m.room.message", Relation("m.thread", root, "t1"));
        var r1 = await _rooms.SendAsync(roomId, alice, "m.room.message", Relation("m.reference", root, "r1"));
        var t2 = await _rooms.SendAsync(roomId, alice, "m.room.message", Relation("m.thread", root, "t2"));
        var reaction = await _rooms.SendAsync(roomId, alice, "m.reaction",
            new JsonObject { ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = root, ["key"] = "👍" } });
        await _rooms.MessageAsync(roomId, alice, "unrelated");

        var all = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}", token);
        Ids(all["chunk"]!).Should().Equal(reaction, t2, r1, t1);
        all.ContainsKey("next_batch").Should().BeFalse();
        all.ContainsKey("recursion_depth").Should().BeFalse();

        var threads = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}/m.thread", token);
        Ids(threads["chunk"]!).Should().Equal(t2, t1);
        var reactions = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}/m.annotation/m.reaction", token);
        Ids(reactions["chunk"]!).Should().Equal(reaction);
        var none = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}/m.annotation/m.room.message", token);
        none["chunk"]!.AsArray().Should().BeEmpty();

        var first = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}?limit=2", token);
        Ids(first["chunk"]!).Should().Equal(reaction, t2);
        var second = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}?limit=2&from={Q((string)first["next_batch"]!)}", token);
        Ids(second["chunk"]!).Should().Equal(r1, t1);

        var forwards = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}?dir=f", token);
        Ids(forwards["chunk"]!).Should().Equal(t1, r1, t2, reaction);
    }

    [Fact]
    public async Task Recursion_follows_relations_of_relations_and_says_how_deep()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var root = await _rooms.MessageAsync(roomId, alice, "root");
        var child = await _rooms.SendAsync(roomId, alice, "m.room.message", Relation("m.reference", root));
        var grandchild = await _rooms.SendAsync(roomId, alice, "m.room.message", Relation("m.reference", child));

        var direct = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}?recurse=false", token);
        Ids(direct["chunk"]!).Should().Equal(child);
        ((int)direct["recursion_depth"]!).Should().Be(1);
        var deep = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}?recurse=true", token);
        Ids(deep["chunk"]!).Should().Equal(grandchild, child);
        ((int)deep["recursion_depth"]!).Should().Be(3);
    }

    [Fact]
    public async Task Messages_bundle_thread_edit_and_reference_aggregations_and_redaction_breaks_them()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var root = await _rooms.MessageAsync(roomId, alice, "root");
        await _rooms.SendAsync(roomId, bob, "m.room.message", Relation("m.thread", root, "first reply"));
        var latest = await _rooms.SendAsync(roomId, bob, "m.room.message", Relation("m.thread", root, "second reply"));
        var edit = new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = "* root edited",
            ["m.new_content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = "root edited" },
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.replace", ["event_id"] = root },
        };
        var editId = await _rooms.SendAsync(roomId, alice, "m.room.message", edit);
        // An edit by someone else is not a valid replacement.
        edit["body"] = "* hijacked";
        await _rooms.SendAsync(roomId, bob, "m.room.message", edit);
        var reference = await _rooms.SendAsync(roomId, bob, "m.room.message", Relation("m.reference", root));

        var relations = await RootRelationsAsync(aliceToken, roomId, root);
        var thread = relations["m.thread"]!;
        ((int)thread["count"]!).Should().Be(2);
        ((string)thread["latest_event"]!["event_id"]!).Should().Be(latest);
        ((bool)thread["current_user_participated"]!).Should().BeTrue("alice sent the root");
        ((string)relations["m.replace"]!["event_id"]!).Should().Be(editId);
        Ids(relations["m.reference"]!["chunk"]!).Should().Equal(reference);

        var bobView = await RootRelationsAsync(bobToken, roomId, root);
        ((bool)bobView["m.thread"]!["current_user_participated"]!).Should().BeTrue("bob replied");

        // Redacting a child breaks its relationship; redacting the root drops its edit.
        await _rooms.RedactAsync(roomId, bob, reference);
        await _rooms.RedactAsync(roomId, bob, latest);
        relations = await RootRelationsAsync(aliceToken, roomId, root);
        ((int)relations["m.thread"]!["count"]!).Should().Be(1);
        relations.ContainsKey("m.reference").Should().BeFalse();
        await _rooms.RedactAsync(roomId, alice, root);
        relations = await RootRelationsAsync(aliceToken, roomId, root);
        relations.ContainsKey("m.replace").Should().BeFalse();
    }

    private async Task<JsonObject> RootRelationsAsync(string token, string roomId, string rootId)
    {
        var page = await _rooms.MessagesAsync(token, roomId, "dir=b&limit=50");
        var root = page["chunk"]!.AsArray().Single(e => (string)e!["event_id"]! == rootId)!;
        var fromMessages = root["unsigned"]!["m.relations"]!.AsObject();
        var single = await GetOkAsync($"{V3}/rooms/{Q(roomId)}/event/{Q(rootId)}", token);
        single["unsigned"]!["m.relations"]!.ToJsonString().Should().Be(fromMessages.ToJsonString());
        return fromMessages;
    }

    [Fact]
    public async Task Threads_list_roots_by_latest_reply_and_participation()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var aliceRoot = await _rooms.MessageAsync(roomId, alice, "alice's thread");
        var bobRoot = await _rooms.MessageAsync(roomId, bob, "bob's thread");
        await _rooms.SendAsync(roomId, bob, "m.room.message", Relation("m.thread", bobRoot));
        await _rooms.SendAsync(roomId, alice, "m.room.message", Relation("m.thread", aliceRoot));

        var all = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/threads", bobToken);
        Ids(all["chunk"]!).Should().Equal(aliceRoot, bobRoot);
        all["chunk"]![0]!["unsigned"]!["m.relations"]!["m.thread"]!["count"]!.GetValue<long>().Should().Be(1);

        var mine = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/threads?include=participated", bobToken);
        Ids(mine["chunk"]!).Should().Equal(bobRoot);

        var page = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/threads?limit=1", aliceToken);
        Ids(page["chunk"]!).Should().Equal(aliceRoot);
        var next = await GetOkAsync($"{V1}/rooms/{Q(roomId)}/threads?limit=1&from={Q((string)page["next_batch"]!)}", aliceToken);
        Ids(next["chunk"]!).Should().Equal(bobRoot);
        next.ContainsKey("next_batch").Should().BeFalse();
    }

    [Fact]
    public async Task Outsiders_get_404_for_relations_and_403_for_threads_of_a_private_room()
    {
        var (alice, _) = await _rooms.NewUserAsync();
        var (_, eveToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var root = await _rooms.MessageAsync(roomId, alice, "secret");
        await _rooms.SendAsync(roomId, alice, "m.room.message", Relation("m.thread", root, "secret reply"));

        var relations = await _rooms.GetAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}", eveToken);
        await relations.ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        var threads = await _rooms.GetAsync($"{V1}/rooms/{Q(roomId)}/threads", eveToken);
        await threads.ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        var unknown = await _rooms.GetAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q("$nope")}", eveToken);
        await unknown.ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("dir=sideways")]
    [InlineData("limit=0")]
    [InlineData("limit=many")]
    [InlineData("recurse=yes")]
    [InlineData("from=garbage")]
    public async Task Bad_parameters_are_400_M_INVALID_PARAM(string query)
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var root = await _rooms.MessageAsync(roomId, alice, "root");
        var response = await _rooms.GetAsync($"{V1}/rooms/{Q(roomId)}/relations/{Q(root)}?{query}", token);
        await response.ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_thread_cannot_start_from_an_event_that_has_a_relation()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var root = await _rooms.MessageAsync(roomId, alice, "root");
        var reply = await _rooms.SendAsync(roomId, alice, "m.room.message", Relation("m.thread", root));

        var request = TestHost.Request(HttpMethod.Put, $"{V3}/rooms/{Q(roomId)}/send/m.room.message/txn1", token);
        request.Content = new StringContent(Relation("m.thread", reply).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        var response = await _client.SendAsync(request);
        await response.ShouldBeMatrixErrorAsync(400, "M_UNKNOWN");

        request = TestHost.Request(HttpMethod.Put, $"{V3}/rooms/{Q(roomId)}/send/m.room.message/txn2", token);
        request.Content = new StringContent(Relation("m.thread", root).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        ((int)(await _client.SendAsync(request)).StatusCode).Should().Be(200);
    }
}
