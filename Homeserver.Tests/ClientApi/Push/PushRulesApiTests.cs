using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Push;

public class PushRulesApiTests(TestHost host) : IClassFixture<TestHost>
{
    private const string Rules = V3 + "/pushrules/global";

    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? json = null)
    {
        var request = TestHost.Request(method, path, token);
        if (json is not null) request.Content = TestHost.JsonContent(json);
        return _client.SendAsync(request);
    }

    private async Task<JsonObject> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.ReadJsonObjectAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    private async Task<List<string>> IdsAsync(string token, string kind) =>
        [.. (await OkAsync(SendAsync(HttpMethod.Get, Rules + "/", token)))[kind]!.AsArray().Select(r => (string)r!["rule_id"]!)];

    [Fact]
    public async Task User_rules_are_created_read_ordered_and_deleted()
    {
        var (_, token) = await _rooms.NewUserAsync();

        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/content/nocake", token, """{"pattern":"cake*lie","actions":["notify"]}"""));
        var rule = await OkAsync(SendAsync(HttpMethod.Get, $"{Rules}/content/nocake", token));
        JsonNode.DeepEquals(rule, JsonNode.Parse("""{"rule_id":"nocake","default":false,"enabled":true,"actions":["notify"],"pattern":"cake*lie"}"""))
            .Should().BeTrue(rule.ToJsonString());

        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/content/first?before=nocake", token, """{"pattern":"a","actions":[]}"""));
        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/content/last?after=nocake", token, """{"pattern":"b","actions":[]}"""));
        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/content/top", token, """{"pattern":"c","actions":[]}"""));
        (await IdsAsync(token, "content")).Should().Equal("top", "first", "nocake", "last");

        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/override/beer", token,
            """{"conditions":[{"kind":"event_match","key":"content.body","pattern":"beer"},{"kind":"room_member_count","is":"<=10"}],"actions":["notify",{"set_tweak":"sound","value":"beeroclock.wav"}]}"""));
        // User overrides come after the master rule and before the other server-default overrides.
        (await IdsAsync(token, "override")).Take(3).Should().Equal(".m.rule.master", "beer", ".m.rule.suppress_notices");

        await OkAsync(SendAsync(HttpMethod.Delete, $"{Rules}/content/nocake", token));
        await (await SendAsync(HttpMethod.Get, $"{Rules}/content/nocake", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SendAsync(HttpMethod.Delete, $"{Rules}/content/nocake", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await IdsAsync(token, "content")).Should().Equal("top", "first", "last");
    }

    [Fact]
    public async Task Room_and_sender_rules_are_named_by_their_room_and_user()
    {
        var (_, token) = await _rooms.NewUserAsync();

        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/room/{Q("!dj234r78wl45Gh4D:matrix.org")}", token, """{"actions":[]}"""));
        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/sender/{Q("@spambot:matrix.org")}", token, """{"actions":[]}"""));
        (await IdsAsync(token, "room")).Should().Equal("!dj234r78wl45Gh4D:matrix.org");
        (await IdsAsync(token, "sender")).Should().Equal("@spambot:matrix.org");

        await (await SendAsync(HttpMethod.Put, $"{Rules}/room/notaroom", token, """{"actions":[]}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await SendAsync(HttpMethod.Put, $"{Rules}/sender/notauser", token, """{"actions":[]}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Theory]
    [InlineData("content/.m.rule.mine", """{"pattern":"x","actions":[]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("override/.m.rule.master", """{"actions":[]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("content/a%5Cb", """{"pattern":"x","actions":[]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("elsewhere/x", """{"actions":[]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("content/x", """{"actions":[]}""", 400, ErrorCodes.MissingParam)]
    [InlineData("content/x", """{"pattern":5,"actions":[]}""", 400, ErrorCodes.BadJson)]
    [InlineData("override/x", """{"conditions":[]}""", 400, ErrorCodes.MissingParam)]
    [InlineData("override/x", """{"actions":"notify"}""", 400, ErrorCodes.BadJson)]
    [InlineData("override/x", """{"actions":["bogus"]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("override/x", """{"actions":[{"set_tweak":"highlight","value":"yes"}]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("override/x", """{"actions":[],"conditions":[{"kind":"room_member_count","is":"lots"}]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("override/x", """{"actions":[],"conditions":[{"kind":"event_match","key":"type"}]}""", 400, ErrorCodes.MissingParam)]
    [InlineData("override/x", """{"actions":[],"conditions":[{"kind":"event_property_is","key":"content.x","value":[1]}]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("override/x", """{"actions":[],"conditions":[{"key":"type"}]}""", 400, ErrorCodes.BadJson)]
    [InlineData("override/x?before=.m.rule.master", """{"actions":[]}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("override/x?after=missing", """{"actions":[]}""", 400, ErrorCodes.Unknown)]
    public async Task Bad_rules_are_refused(string path, string body, int status, string errcode)
    {
        var (_, token) = await _rooms.NewUserAsync();
        await (await SendAsync(HttpMethod.Put, $"{Rules}/{path}", token, body)).ShouldBeMatrixErrorAsync(status, errcode);
        (await IdsAsync(token, "override")).Should().NotContain("x");
    }

    [Fact]
    public async Task Unknown_condition_kinds_are_stored_as_the_spec_allows()
    {
        var (_, token) = await _rooms.NewUserAsync();
        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/override/future", token, """{"actions":["notify"],"conditions":[{"kind":"org.example.future"}]}"""));
        ((string)(await OkAsync(SendAsync(HttpMethod.Get, $"{Rules}/override/future", token)))["conditions"]![0]!["kind"]!).Should().Be("org.example.future");
    }

    [Fact]
    public async Task Server_default_rules_can_be_toggled_and_given_actions_but_not_deleted()
    {
        var (_, token) = await _rooms.NewUserAsync();

        (await OkAsync(SendAsync(HttpMethod.Get, $"{Rules}/override/.m.rule.master/enabled", token)))["enabled"]!.GetValue<bool>().Should().BeFalse();
        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/override/.m.rule.master/enabled", token, """{"enabled":true}"""));
        (await OkAsync(SendAsync(HttpMethod.Get, $"{Rules}/override/.m.rule.master/enabled", token)))["enabled"]!.GetValue<bool>().Should().BeTrue();

        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/underride/.m.rule.message/actions", token, """{"actions":["dont_notify"]}"""));
        (await OkAsync(SendAsync(HttpMethod.Get, $"{Rules}/underride/.m.rule.message/actions", token)))["actions"]!.AsArray().Should().BeEmpty();
        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/underride/.m.rule.message/actions", token, """{"actions":["notify",{"set_tweak":"highlight"}]}"""));
        (await OkAsync(SendAsync(HttpMethod.Get, $"{Rules}/underride/.m.rule.message", token)))["actions"]!.AsArray().Should().HaveCount(2);

        await (await SendAsync(HttpMethod.Delete, $"{Rules}/override/.m.rule.master", token)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await SendAsync(HttpMethod.Delete, $"{Rules}/override/.m.rule.nothing", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SendAsync(HttpMethod.Put, $"{Rules}/override/.m.rule.nothing/enabled", token, """{"enabled":true}""")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SendAsync(HttpMethod.Get, $"{Rules}/content/.m.rule.master/actions", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SendAsync(HttpMethod.Put, $"{Rules}/override/.m.rule.master/enabled", token, "{}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await SendAsync(HttpMethod.Put, $"{Rules}/override/.m.rule.master/enabled", token, """{"enabled":"yes"}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await SendAsync(HttpMethod.Put, $"{Rules}/override/.m.rule.master/actions", token, """{"actions":["bogus"]}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task User_rules_can_be_toggled_and_given_actions()
    {
        var (_, token) = await _rooms.NewUserAsync();
        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/override/mine", token, """{"actions":["notify"]}"""));

        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/override/mine/enabled", token, """{"enabled":false}"""));
        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/override/mine/actions", token, """{"actions":[]}"""));
        var rule = await OkAsync(SendAsync(HttpMethod.Get, $"{Rules}/override/mine", token));
        rule["enabled"]!.GetValue<bool>().Should().BeFalse();
        rule["actions"]!.AsArray().Should().BeEmpty();
        await (await SendAsync(HttpMethod.Put, $"{Rules}/override/other/enabled", token, """{"enabled":false}""")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task A_change_reaches_sync_as_m_push_rules_account_data()
    {
        var (_, token) = await _rooms.NewUserAsync();
        var first = await _rooms.SyncAsync(token);

        await OkAsync(SendAsync(HttpMethod.Put, $"{Rules}/override/mine", token, """{"actions":["notify"]}"""));
        var next = await _rooms.SyncAsync(token, $"since={Q((string)first["next_batch"]!)}");

        var pushRules = next["account_data"]!["events"]!.AsArray().Single(e => (string)e!["type"]! == "m.push_rules")!;
        pushRules["content"]!["global"]!["override"]!.AsArray().Select(r => (string)r!["rule_id"]!).Should().Contain("mine");
    }
}
