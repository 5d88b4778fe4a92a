using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.UserData;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.UserData.UserDataTestClient;

namespace Homeserver.Tests.ClientApi.UserData;

public class PushRulesApiTests(TestHost host) : IClassFixture<TestHost>
{
    private const string UserId = "@alice:test.example";

    /// <summary>
    /// The predefined rules of the spec (v1.19, client-server push module, "Predefined Rules"), copied rule by
    /// rule in the spec's order, with "[the user's Matrix ID]" replaced by the user's id. The spec has no
    /// default content, room or sender rules since v1.17.
    /// </summary>
    private const string SpecDefaultRuleset = """
        {
          "override": [
            {"rule_id": ".m.rule.master", "default": true, "enabled": false, "conditions": [], "actions": []},
            {"rule_id": ".m.rule.suppress_notices", "default": true, "enabled": true,
             "conditions": [{"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}],
             "actions": []},
            {"rule_id": ".m.rule.invite_for_me", "default": true, "enabled": true,
             "conditions": [
               {"key": "type", "kind": "event_match", "pattern": "m.room.member"},
               {"key": "content.membership", "kind": "event_match", "pattern": "invite"},
               {"key": "state_key", "kind": "event_match", "pattern": "@alice:test.example"}
             ],
             "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
            {"rule_id": ".m.rule.member_event", "default": true, "enabled": true,
             "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.room.member"}],
             "actions": []},
            {"rule_id": ".m.rule.is_user_mention", "default": true, "enabled": true,
             "conditions": [{"kind": "event_property_contains", "key": "content.m\\.mentions.user_ids", "value": "@alice:test.example"}],
             "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]},
            {"rule_id": ".m.rule.is_room_mention", "default": true, "enabled": true,
             "conditions": [
               {"kind": "event_property_is", "key": "content.m\\.mentions.room", "value": true},
               {"kind": "sender_notification_permission", "key": "room"}
             ],
             "actions": ["notify", {"set_tweak": "highlight"}]},
            {"rule_id": ".m.rule.tombstone", "default": true, "enabled": true,
             "conditions": [
               {"kind": "event_match", "key": "type", "pattern": "m.room.tombstone"},
               {"kind": "event_match", "key": "state_key", "pattern": ""}
             ],
             "actions": ["notify", {"set_tweak": "highlight"}]},
            {"rule_id": ".m.rule.reaction", "default": true, "enabled": true,
             "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.reaction"}],
             "actions": []},
            {"rule_id": ".m.rule.room.server_acl", "default": true, "enabled": true,
             "conditions": [
               {"kind": "event_match", "key": "type", "pattern": "m.room.server_acl"},
               {"kind": "event_match", "key": "state_key", "pattern": ""}
             ],
             "actions": []},
            {"rule_id": ".m.rule.suppress_edits", "default": true, "enabled": true,
             "conditions": [{"kind": "event_property_is", "key": "content.m\\.relates_to.rel_type", "value": "m.replace"}],
             "actions": []}
          ],
          "content": [],
          "room": [],
          "sender": [],
          "underride": [
            {"rule_id": ".m.rule.call", "default": true, "enabled": true,
             "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.call.invite"}],
             "actions": ["notify", {"set_tweak": "sound", "value": "ring"}]},
            {"rule_id": ".m.rule.encrypted_room_one_to_one", "default": true, "enabled": true,
             "conditions": [
               {"kind": "room_member_count", "is": "2"},
               {"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}
             ],
             "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
            {"rule_id": ".m.rule.room_one_to_one", "default": true, "enabled": true,
             "conditions": [
               {"kind": "room_member_count", "is": "2"},
               {"kind": "event_match", "key": "type", "pattern": "m.room.message"}
             ],
             "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
            {"rule_id": ".m.rule.message", "default": true, "enabled": true,
             "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
             "actions": ["notify"]},
            {"rule_id": ".m.rule.encrypted", "default": true, "enabled": true,
             "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
             "actions": ["notify"]}
          ]
        }
        """;

    private readonly HttpClient _client = host.CreateClient();

    [Theory]
    [InlineData("/_matrix/client/v3/pushrules/")]
    [InlineData("/_matrix/client/v3/pushrules")]
    [InlineData("/_matrix/client/r0/pushrules/")]
    public async Task All_rulesets_are_the_global_spec_defaults_for_the_user(string path)
    {
        var token = await host.AddTokenAsync(UserId, "D");

        var body = await (await _client.SendAsync(HttpMethod.Get, path, token)).ShouldBeOkAsync();

        body.Select(p => p.Key).Should().Equal("global");
        body["global"].ShouldEqualJson(SpecDefaultRuleset);
    }

    [Theory]
    [InlineData("/_matrix/client/v3/pushrules/global/")]
    [InlineData("/_matrix/client/v3/pushrules/global")]
    public async Task The_global_ruleset_is_the_spec_defaults_in_order(string path)
    {
        var token = await host.AddTokenAsync(UserId, "D");

        var body = await (await _client.SendAsync(HttpMethod.Get, path, token)).ShouldBeOkAsync();

        body.ShouldEqualJson(SpecDefaultRuleset);
        RuleIds(body, "override").Should().Equal(
            ".m.rule.master", ".m.rule.suppress_notices", ".m.rule.invite_for_me", ".m.rule.member_event",
            ".m.rule.is_user_mention", ".m.rule.is_room_mention", ".m.rule.tombstone", ".m.rule.reaction",
            ".m.rule.room.server_acl", ".m.rule.suppress_edits");
        RuleIds(body, "underride").Should().Equal(
            ".m.rule.call", ".m.rule.encrypted_room_one_to_one", ".m.rule.room_one_to_one", ".m.rule.message", ".m.rule.encrypted");
    }

    [Fact]
    public async Task The_users_id_is_substituted_per_user()
    {
        var bob = NewUserId();
        var token = await host.AddTokenAsync(bob, "D");

        var body = await (await _client.SendAsync(HttpMethod.Get, $"{V3}/pushrules/global/", token)).ShouldBeOkAsync();

        body.ShouldEqualJson(SpecDefaultRuleset.Replace(UserId, bob));
    }

    [Fact]
    public async Task Stored_changes_to_default_rules_are_applied()
    {
        var carol = NewUserId();
        var token = await host.AddTokenAsync(carol, "D");
        var overrides = host.Services.GetRequiredService<IPushRuleOverrideStore>();
        await overrides.SetEnabledAsync(carol, "override", ".m.rule.master", true, CancellationToken.None);
        await overrides.SetActionsAsync(carol, "underride", ".m.rule.message", "[]", CancellationToken.None);
        await overrides.SetEnabledAsync(carol, "underride", ".m.rule.no_such_rule", false, CancellationToken.None);

        var body = await (await _client.SendAsync(HttpMethod.Get, $"{V3}/pushrules/global/", token)).ShouldBeOkAsync();

        var expected = JsonNode.Parse(SpecDefaultRuleset.Replace(UserId, carol))!;
        expected["override"]![0]!["enabled"] = true;
        expected["underride"]![3]!["actions"] = new JsonArray();
        body.ShouldEqualJson(expected.ToJsonString());
    }

    [Fact]
    public async Task Push_rules_need_a_token()
    {
        await (await _client.SendAsync(HttpMethod.Get, $"{V3}/pushrules/", null)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        await (await _client.SendAsync(HttpMethod.Get, $"{V3}/pushrules/global/", null)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
    }

    private static IEnumerable<string> RuleIds(JsonObject ruleset, string kind) =>
        ruleset[kind]!.AsArray().Select(rule => rule!["rule_id"]!.GetValue<string>());
}
