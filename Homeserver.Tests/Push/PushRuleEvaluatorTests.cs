using System.Text.Json.Nodes;
using Homeserver.Push;
using Homeserver.UserData;

namespace Homeserver.Tests.Push;

/// <summary>The server-default ruleset and user rules evaluated against events.</summary>
public class PushRuleEvaluatorTests
{
    private const string Me = "@me:example.org";
    private const string Room = "!room:example.org";
    private const string Other = "@other:example.org";

    private static JsonObject Message(string body, JsonObject? extra = null, string type = "m.room.message")
    {
        var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = body };
        foreach (var (key, value) in extra ?? []) content[key] = value?.DeepClone();
        return new JsonObject { ["type"] = type, ["room_id"] = Room, ["sender"] = Other, ["event_id"] = "$e", ["content"] = content };
    }

    private static PushActions? Evaluate(JsonObject ev, long members = 3, long senderLevel = 0, JsonObject? ruleset = null) =>
        CompiledPushRuleSet.Compile(PushRule.InEvaluationOrder(ruleset ?? DefaultPushRules.For(Me)))
            .Evaluate(new PushEvent(ev, members, senderLevel, new Dictionary<string, long>()), "Me Myself");

    [Fact]
    public void A_message_in_a_group_notifies_without_sound_or_highlight()
    {
        var actions = Evaluate(Message("hello"))!;
        actions.Notify.Should().BeTrue();
        actions.Highlight.Should().BeFalse();
        actions.Tweaks.Should().BeEmpty();
    }

    [Fact]
    public void A_message_in_a_one_to_one_room_plays_the_default_sound()
    {
        var actions = Evaluate(Message("hello"), members: 2)!;
        actions.Notify.Should().BeTrue();
        ((string)actions.Tweaks["sound"]!).Should().Be("default");
    }

    [Fact]
    public void A_user_mention_highlights()
    {
        var mentions = new JsonObject { ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(Me) } };
        var actions = Evaluate(Message("hey", mentions))!;
        actions.Notify.Should().BeTrue();
        actions.Highlight.Should().BeTrue();
        ((string)actions.Tweaks["sound"]!).Should().Be("default");
    }

    [Fact]
    public void A_room_mention_highlights_only_from_a_sender_with_the_power()
    {
        var mentions = new JsonObject { ["m.mentions"] = new JsonObject { ["room"] = true } };
        Evaluate(Message("@room", mentions), senderLevel: 50)!.Highlight.Should().BeTrue();
        var weak = Evaluate(Message("@room", mentions), senderLevel: 0)!;
        weak.Highlight.Should().BeFalse();
        weak.Notify.Should().BeTrue();
    }

    [Fact]
    public void The_display_name_in_the_body_no_longer_highlights_by_default()
    {
        Evaluate(Message("Me Myself, look"))!.Highlight.Should().BeFalse();
    }

    [Theory]
    [InlineData("m.notice")]
    public void Notices_edits_reactions_and_member_events_do_not_notify(string msgtype)
    {
        Evaluate(Message("n", new JsonObject { ["msgtype"] = msgtype })).Should().NotBeNull().And.Match<PushActions>(a => !a.Notify);
        var edit = Message("* fixed", new JsonObject { ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.replace", ["event_id"] = "$x" } });
        Evaluate(edit)!.Notify.Should().BeFalse();
        Evaluate(new JsonObject { ["type"] = "m.reaction", ["room_id"] = Room, ["sender"] = Other, ["content"] = new JsonObject() })!.Notify.Should().BeFalse();
        var join = new JsonObject
        {
            ["type"] = "m.room.member", ["state_key"] = Other, ["room_id"] = Room, ["sender"] = Other,
            ["content"] = new JsonObject { ["membership"] = "join" },
        };
        Evaluate(join)!.Notify.Should().BeFalse();
    }

    [Fact]
    public void An_invite_for_me_notifies_with_sound()
    {
        var invite = new JsonObject
        {
            ["type"] = "m.room.member", ["state_key"] = Me, ["room_id"] = Room, ["sender"] = Other,
            ["content"] = new JsonObject { ["membership"] = "invite" },
        };
        var actions = Evaluate(invite)!;
        actions.Notify.Should().BeTrue();
        ((string)actions.Tweaks["sound"]!).Should().Be("default");
    }

    [Fact]
    public void Tombstones_highlight_and_calls_ring()
    {
        var tombstone = new JsonObject { ["type"] = "m.room.tombstone", ["state_key"] = "", ["room_id"] = Room, ["sender"] = Other, ["content"] = new JsonObject() };
        Evaluate(tombstone)!.Highlight.Should().BeTrue();
        var call = new JsonObject { ["type"] = "m.call.invite", ["room_id"] = Room, ["sender"] = Other, ["content"] = new JsonObject() };
        ((string)Evaluate(call)!.Tweaks["sound"]!).Should().Be("ring");
        Evaluate(new JsonObject { ["type"] = "m.room.encrypted", ["room_id"] = Room, ["sender"] = Other, ["content"] = new JsonObject() })!
            .Notify.Should().BeTrue();
    }

    [Fact]
    public void Unknown_event_types_match_no_rule()
    {
        Evaluate(new JsonObject { ["type"] = "org.example.custom", ["room_id"] = Room, ["sender"] = Other, ["content"] = new JsonObject() })
            .Should().BeNull();
    }

    [Fact]
    public void The_master_rule_when_enabled_silences_everything_even_user_rules()
    {
        var ruleset = DefaultPushRules.For(Me);
        ruleset["override"]![0]!["enabled"] = true;
        ruleset["override"]!.AsArray().Insert(1, Rule("mine", """{"conditions":[],"actions":["notify"]}"""));
        Evaluate(Message("hello"), ruleset: ruleset)!.Notify.Should().BeFalse();
    }

    [Fact]
    public void Content_room_and_sender_rules_apply_by_their_kind()
    {
        var ruleset = DefaultPushRules.For(Me);
        ruleset["content"]!.AsArray().Add(Rule("cake", """{"pattern":"cake*lie","actions":["notify",{"set_tweak":"sound","value":"cakealarm.wav"}]}"""));
        ruleset["room"]!.AsArray().Add(Rule(Room, """{"actions":[]}"""));
        ((string)Evaluate(Message("The cake is a lie"), ruleset: ruleset)!.Tweaks["sound"]!).Should().Be("cakealarm.wav");
        Evaluate(Message("plain"), ruleset: ruleset)!.Notify.Should().BeFalse();

        var senderRules = DefaultPushRules.For(Me);
        senderRules["sender"]!.AsArray().Add(Rule(Other, """{"actions":["notify",{"set_tweak":"highlight"}]}"""));
        Evaluate(Message("x"), ruleset: senderRules)!.Highlight.Should().BeTrue();
    }

    [Fact]
    public void Disabled_rules_never_match_and_rules_with_unknown_conditions_are_skipped()
    {
        var ruleset = DefaultPushRules.For(Me);
        var message = ruleset["underride"]!.AsArray().Single(r => (string)r!["rule_id"]! == ".m.rule.message")!;
        message["enabled"] = false;
        Evaluate(Message("hello"), ruleset: ruleset).Should().BeNull();

        ruleset["override"]!.AsArray().Insert(1, Rule("odd", """{"conditions":[{"kind":"org.example.future"}],"actions":["notify",{"set_tweak":"highlight"}]}"""));
        Evaluate(Message("hello"), ruleset: ruleset).Should().BeNull();
    }

    [Theory]
    [InlineData("""["dont_notify"]""", false, 0)]
    [InlineData("""["notify","coalesce"]""", true, 1)]
    [InlineData("""["notify",{"set_tweak":"highlight","value":false}]""", true, 2)]
    [InlineData("""["notify","org.example.action"]""", true, 2)]
    public void Historical_actions_are_ignored_and_unknown_ones_do_nothing(string actions, bool notify, int kept)
    {
        var result = PushActions.From(JsonNode.Parse(actions)!.AsArray());
        result.Notify.Should().Be(notify);
        result.Highlight.Should().BeFalse();
        result.Actions.Should().HaveCount(kept);
    }

    [Fact]
    public void One_event_evaluated_for_many_members_gives_each_their_own_result()
    {
        // Member-independent results are kept per event; the mention (a per-user value) and the display name must not leak.
        var mentions = new JsonObject { ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray("@bob:example.org") } };
        var ev = new PushEvent(Message("Carol, see this", mentions), 5, 0, new Dictionary<string, long>());
        var displayNameRule = Rule("name", """{"conditions":[{"kind":"contains_display_name"}],"actions":["notify",{"set_tweak":"highlight"}]}""");
        CompiledPushRuleSet RulesOf(string userId)
        {
            var ruleset = DefaultPushRules.For(userId);
            ruleset["override"]!.AsArray().Insert(1, displayNameRule.DeepClone());
            return CompiledPushRuleSet.Compile(PushRule.InEvaluationOrder(ruleset));
        }

        var alice = RulesOf("@alice:example.org").Evaluate(ev, "Alice")!;
        var bob = RulesOf("@bob:example.org").Evaluate(ev, "Bob")!;
        var carol = RulesOf("@carol:example.org").Evaluate(ev, "Carol")!;
        var aliceAgain = RulesOf("@alice:example.org").Evaluate(ev, "Alice")!;

        alice.Highlight.Should().BeFalse();
        alice.Notify.Should().BeTrue();
        bob.Highlight.Should().BeTrue();
        ((string)bob.Tweaks["sound"]!).Should().Be("default");
        carol.Highlight.Should().BeTrue();
        carol.Tweaks.Should().NotContainKey("sound");
        aliceAgain.ActionsJson.Should().Be(alice.ActionsJson);
    }

    [Fact]
    public void Equal_conditions_share_one_matcher_and_different_ones_do_not()
    {
        var a = PushConditionMatcher.Compile(JsonNode.Parse("""{"kind":"event_match","key":"type","pattern":"m.room.message"}"""));
        var b = PushConditionMatcher.Compile(JsonNode.Parse("""{"kind":"event_match","key":"type","pattern":"m.room.message"}"""));
        var c = PushConditionMatcher.Compile(JsonNode.Parse("""{"kind":"event_match","key":"type","pattern":"m.room.encrypted"}"""));
        b.Should().BeSameAs(a);
        c.Should().NotBeSameAs(a);
        var ev = new PushEvent(Message("x"), 3, 0, new Dictionary<string, long>());
        a.Matches(ev, null).Should().BeTrue();
        c.Matches(ev, null).Should().BeFalse();
    }

    [Fact]
    public void A_disabled_rule_is_skipped_and_the_actions_are_stored_as_given()
    {
        var ruleset = DefaultPushRules.For(Me);
        ruleset["override"]!.AsArray().Insert(1, Rule("off", """{"conditions":[],"actions":["notify",{"set_tweak":"highlight"}]}"""));
        ruleset["override"]![1]!["enabled"] = false;
        var actions = Evaluate(Message("hello"), ruleset: ruleset)!;
        actions.Highlight.Should().BeFalse();
        actions.ActionsJson.Should().Be("""["notify"]""");
    }

    private static JsonObject Rule(string ruleId, string json)
    {
        var rule = JsonNode.Parse(json)!.AsObject();
        rule["rule_id"] = ruleId;
        rule["default"] = false;
        rule["enabled"] = true;
        return rule;
    }
}
