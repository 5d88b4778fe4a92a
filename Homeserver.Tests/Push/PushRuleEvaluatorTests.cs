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
        PushRuleEvaluator.Evaluate(PushRule.InEvaluationOrder(ruleset ?? DefaultPushRules.For(Me)),
            new PushEvaluationContext(ev, Me, members, "Me Myself", senderLevel, new Dictionary<string, long>()));

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

    private static JsonObject Rule(string ruleId, string json)
    {
        var rule = JsonNode.Parse(json)!.AsObject();
        rule["rule_id"] = ruleId;
        rule["default"] = false;
        rule["enabled"] = true;
        return rule;
    }
}
