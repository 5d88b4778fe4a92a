using System.Text.Json.Nodes;
using Homeserver.Push;

namespace Homeserver.Tests.Push;

/// <summary>Each condition kind, with the spec's examples where it gives them.</summary>
public class PushConditionsTests
{
    private const string Me = "@me:example.org";

    /// <summary>An event with what the room gives it, and the display name of the member whose rules are evaluated.</summary>
    private sealed record Context(PushEvent Event, string? DisplayName);

    private static Context For(string eventJson, long members = 2, string? displayName = null, long senderLevel = 0,
        Dictionary<string, long>? notifications = null) =>
        new(new PushEvent(JsonNode.Parse(eventJson)!.AsObject(), members, senderLevel, notifications ?? []), displayName);

    private static bool Matches(string conditionJson, Context context) =>
        PushConditionMatcher.Compile(JsonNode.Parse(conditionJson)).Matches(context.Event, context.DisplayName);

    private static string Topic(string topicJson) =>
        $$$"""{"type":"m.room.topic","state_key":"","sender":"@example:example.org","room_id":"!r:example.com","content":{"topic":{{{topicJson}}}}}""";

    [Theory]
    [InlineData("\"Lunch plans\"", true)]
    [InlineData("\"LUNCH\"", true)]
    [InlineData("\" lunch\"", false)]
    [InlineData("\"lunc\"", false)]
    [InlineData("null", false)]
    public void Event_match_on_topic(string topic, bool expected) =>
        Matches("""{"kind":"event_match","key":"content.topic","pattern":"lunc?*"}""", For(Topic(topic))).Should().Be(expected);

    [Fact]
    public void Event_match_never_matches_an_absent_or_non_string_property_even_with_star()
    {
        var context = For("""{"type":"m.room.message","content":{"n":5}}""");
        Matches("""{"kind":"event_match","key":"content.missing","pattern":"*"}""", context).Should().BeFalse();
        Matches("""{"kind":"event_match","key":"content.n","pattern":"*"}""", context).Should().BeFalse();
        Matches("""{"kind":"event_match","key":"type","pattern":"*"}""", context).Should().BeTrue();
    }

    [Theory]
    [InlineData("An example event.", true)]
    [InlineData("exple", true)]
    [InlineData("An exciting triple-whammy", true)]
    [InlineData("counterexample", false)]
    public void Event_match_on_content_body_matches_between_word_boundaries(string body, bool expected) =>
        Matches("""{"kind":"event_match","key":"content.body","pattern":"ex*ple"}""",
            For(new JsonObject { ["type"] = "m.room.message", ["content"] = new JsonObject { ["body"] = body } }.ToJsonString()))
            .Should().Be(expected);

    [Theory]
    [InlineData("true", true)]
    [InlineData("\"true\"", false)]
    [InlineData("1", false)]
    public void Event_property_is_with_escaped_dot(string federate, bool expected) =>
        Matches("""{"kind":"event_property_is","key":"content.m\\.federate","value":true}""",
            For($$$"""{"type":"m.room.create","state_key":"","content":{"creator":"@example:example.org","m.federate":{{{federate}}}}}"""))
            .Should().Be(expected);

    [Theory]
    [InlineData("""{"kind":"event_property_is","key":"content.n","value":5}""", true)]
    [InlineData("""{"kind":"event_property_is","key":"content.n","value":"5"}""", false)]
    [InlineData("""{"kind":"event_property_is","key":"content.z","value":null}""", true)]
    [InlineData("""{"kind":"event_property_is","key":"content.missing","value":null}""", false)]
    [InlineData("""{"kind":"event_property_is","key":"content.s","value":"Text"}""", false)]
    [InlineData("""{"kind":"event_property_is","key":"content.s","value":"text"}""", true)]
    [InlineData("""{"kind":"event_property_is","key":"content.o","value":{}}""", false)]
    [InlineData("""{"kind":"event_property_is","key":"content.b","value":false}""", true)]
    public void Event_property_is_compares_exactly_without_casts(string condition, bool expected) =>
        Matches(condition, For("""{"type":"t","content":{"n":5,"z":null,"s":"text","o":{},"b":false}}""")).Should().Be(expected);

    [Theory]
    [InlineData("\"#myroom:example.com\"", true)]
    [InlineData("\":example.com\"", false)]
    [InlineData("\"#somewhere:example.org\"", true)]
    public void Event_property_contains_on_alt_aliases(string value, bool expected) =>
        Matches($$"""{"kind":"event_property_contains","key":"content.alt_aliases","value":{{value}}}""",
            For("""{"type":"m.room.canonical_alias","state_key":"","content":{"alias":"#somewhere:localhost","alt_aliases":["#somewhere:example.org","#myroom:example.com",{"x":1}]}}"""))
            .Should().Be(expected);

    [Fact]
    public void Event_property_contains_needs_an_array()
    {
        var context = For("""{"type":"t","content":{"list":[1,true,null],"text":"abc"}}""");
        Matches("""{"kind":"event_property_contains","key":"content.list","value":1}""", context).Should().BeTrue();
        Matches("""{"kind":"event_property_contains","key":"content.list","value":null}""", context).Should().BeTrue();
        Matches("""{"kind":"event_property_contains","key":"content.list","value":"1"}""", context).Should().BeFalse();
        Matches("""{"kind":"event_property_contains","key":"content.text","value":"abc"}""", context).Should().BeFalse();
        Matches("""{"kind":"event_property_contains","key":"content.none","value":1}""", context).Should().BeFalse();
    }

    [Theory]
    [InlineData("Hello Alice Smith!", true)]
    [InlineData("alice smith: hi", true)]
    [InlineData("Alice Smithers", false)]
    [InlineData("MalAlice Smith", false)]
    [InlineData("nothing here", false)]
    public void Contains_display_name_matches_the_name_as_words(string body, bool expected) =>
        Matches("""{"kind":"contains_display_name"}""",
            For(new JsonObject { ["type"] = "m.room.message", ["content"] = new JsonObject { ["body"] = body } }.ToJsonString(),
                displayName: "Alice Smith")).Should().Be(expected);

    [Fact]
    public void Contains_display_name_treats_glob_characters_literally_and_needs_a_name()
    {
        var body = """{"type":"m.room.message","content":{"body":"hi bob"}}""";
        Matches("""{"kind":"contains_display_name"}""", For(body, displayName: "b*")).Should().BeFalse();
        Matches("""{"kind":"contains_display_name"}""", For(body, displayName: null)).Should().BeFalse();
        Matches("""{"kind":"contains_display_name"}""", For(body, displayName: "Bob")).Should().BeTrue();
    }

    [Theory]
    [InlineData("2", 2, true)]
    [InlineData("==2", 2, true)]
    [InlineData("2", 3, false)]
    [InlineData("<10", 9, true)]
    [InlineData("<10", 10, false)]
    [InlineData("<=10", 10, true)]
    [InlineData(">2", 3, true)]
    [InlineData(">2", 2, false)]
    [InlineData(">=2", 2, true)]
    [InlineData("abc", 2, false)]
    [InlineData("=<2", 2, false)]
    [InlineData("-1", 2, false)]
    [InlineData("", 0, false)]
    public void Room_member_count(string @is, long members, bool expected) =>
        Matches(new JsonObject { ["kind"] = "room_member_count", ["is"] = @is }.ToJsonString(), For("""{"type":"t"}""", members))
            .Should().Be(expected);

    [Theory]
    [InlineData(50, null, true)]
    [InlineData(49, null, false)]
    [InlineData(10, 10L, true)]
    [InlineData(9, 10L, false)]
    public void Sender_notification_permission_defaults_to_50(long senderLevel, long? roomLevel, bool expected)
    {
        var levels = roomLevel is { } level ? new Dictionary<string, long> { ["room"] = level } : [];
        Matches("""{"kind":"sender_notification_permission","key":"room"}""", For("""{"type":"t"}""", senderLevel: senderLevel, notifications: levels))
            .Should().Be(expected);
    }

    [Theory]
    [InlineData("""{"kind":"org.example.unknown"}""")]
    [InlineData("""{"kind":"event_match","key":"type"}""")]
    [InlineData("""{"kind":"event_property_is","key":"type"}""")]
    [InlineData("""{"key":"type","pattern":"*"}""")]
    [InlineData("""[]""")]
    public void Unknown_or_incomplete_conditions_never_match(string condition) =>
        Matches(condition, For("""{"type":"t"}""")).Should().BeFalse();
}
