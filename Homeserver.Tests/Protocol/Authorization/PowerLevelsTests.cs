using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.RoomVersions;
using static Homeserver.Tests.Protocol.Authorization.TestRoomBuilder;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>Parsing power levels content, defaults, user levels and creators; the user ID check; rule numbering.</summary>
public class PowerLevelsTests
{
    [Theory]
    [InlineData("100", 100L)]
    [InlineData("000100", 100L)]
    [InlineData("+100", 100L)]
    [InlineData("-100", -100L)]
    [InlineData(" 100 ", 100L)]
    [InlineData(" \t-0042\n", -42L)]
    public void Integer_strings_of_the_old_versions_parse(string text, long expected)
    {
        PowerLevelValue.TryParseIntegerString(text, out var level).Should().BeTrue();
        level.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("+")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("--1")]
    [InlineData("1_000")]
    [InlineData("10 0")]
    [InlineData("99999999999999999999")]
    [InlineData("٣")]
    public void Other_strings_do_not(string text) => PowerLevelValue.TryParseIntegerString(text, out _).Should().BeFalse();

    [Theory]
    [InlineData("1", "50", true, 50L)]
    [InlineData("9", "\"50\"", true, 50L)]
    [InlineData("10", "\"50\"", false, 0L)]
    [InlineData("5", "50.9", true, 50L)]
    [InlineData("5", "-50.9", true, -50L)]
    [InlineData("5", "5.114698E4", true, 51146L)]
    [InlineData("6", "50.9", false, 0L)]
    [InlineData("1", "true", false, 0L)]
    [InlineData("1", "null", false, 0L)]
    [InlineData("1", "1e400", false, 0L)]
    [InlineData("12", "9007199254740991", true, 9007199254740991L)]
    public void Values_are_read_as_the_room_version_allows(string version, string json, bool ok, long expected)
    {
        var node = JsonNode.Parse($"{{\"v\": {json}}}")!["v"];
        PowerLevelValue.TryRead(node, Versions.Get(version).Rules, out var level).Should().Be(ok);
        level.Should().Be(expected);
    }

    [Fact]
    public void Values_built_in_code_are_read_too()
    {
        PowerLevelValue.TryRead(JsonValue.Create(7), RoomVersion.V10.Rules, out var fromInt).Should().BeTrue();
        fromInt.Should().Be(7);
        PowerLevelValue.TryRead(JsonValue.Create(7L), RoomVersion.V10.Rules, out var fromLong).Should().BeTrue();
        fromLong.Should().Be(7);
    }

    [Fact]
    public void Missing_keys_take_the_spec_defaults()
    {
        var pl = PowerLevels.Parse(new JsonObject(), RoomVersion.V10.Rules);
        (pl.UsersDefault, pl.EventsDefault, pl.StateDefault, pl.Ban, pl.Kick, pl.Redact, pl.Invite).Should().Be((0L, 0L, 50L, 50L, 50L, 50L, 0L));
        pl.NotificationLevel("room").Should().Be(50);
        pl.RequiredLevel("m.room.message", isState: false).Should().Be(0);
        pl.RequiredLevel("m.room.name", isState: true).Should().Be(50);
        pl.Explicit("ban").Should().BeNull();
    }

    [Fact]
    public void Explicit_values_and_event_overrides_are_used_and_invalid_ones_ignored()
    {
        var content = JsonNode.Parse("""{"ban": 70, "kick": "x", "events": {"m.room.name": 10, "bad": "x"}, "users": {"@a:b": 5}, "users_default": 3}""")!.AsObject();
        var pl = PowerLevels.Parse(content, RoomVersion.V10.Rules);
        pl.Ban.Should().Be(70);
        pl.Kick.Should().Be(50);
        pl.Events.Should().ContainKey("m.room.name").And.NotContainKey("bad");
        pl.RequiredLevel("m.room.name", isState: true).Should().Be(10);
        pl.UserLevel("@a:b", RoomCreators.None).Should().Be(5);
        pl.UserLevel("@c:d", RoomCreators.None).Should().Be(3);
    }

    [Fact]
    public void Creators_come_from_content_creator_the_sender_or_sender_plus_additional_creators()
    {
        RoomCreators.Of(new TestRoomBuilder(RoomVersion.V10, Alice, new JsonObject { ["creator"] = Bob }).Create).UserIds.Should().Equal(Bob);
        RoomCreators.Of(new TestRoomBuilder(RoomVersion.V11, Alice, new JsonObject { ["creator"] = Bob }).Create).UserIds.Should().Equal(Alice);
        var v12 = RoomCreators.Of(new TestRoomBuilder(RoomVersion.V12, Alice, new JsonObject { ["additional_creators"] = new JsonArray(Bob, Alice) }).Create);
        v12.UserIds.Should().Equal(Alice, Bob);
        v12.HaveInfinitePower.Should().BeTrue();
    }

    [Fact]
    public void Without_a_power_levels_event_creators_have_100_before_v12_and_infinite_power_in_v12()
    {
        var v11 = RoomCreators.Of(new TestRoomBuilder(RoomVersion.V11).Create);
        PowerLevels.Absent.UserLevel(Alice, v11).Should().Be(100);
        PowerLevels.Absent.UserLevel(Bob, v11).Should().Be(0);
        var v12 = RoomCreators.Of(new TestRoomBuilder(RoomVersion.V12).Create);
        PowerLevels.Absent.UserLevel(Alice, v12).Should().Be(PowerLevels.Infinite);
        PowerLevels.Parse(new JsonObject { ["users_default"] = 20 }, RoomVersion.V12.Rules).UserLevel(Alice, v12).Should().Be(PowerLevels.Infinite);
        PowerLevels.Parse(new JsonObject(), RoomVersion.V11.Rules).UserLevel(Alice, v11).Should().Be(0, "an existing event decides");
    }

    [Fact]
    public void Parsed_power_levels_are_cached_per_event()
    {
        var room = WithMembers(RoomVersion.V10);
        var pl = room.State[AuthStateKeys.PowerLevels];
        PowerLevels.Of(pl).Should().BeSameAs(PowerLevels.Of(pl));
        PowerLevels.Of(null).Should().BeSameAs(PowerLevels.Absent);
    }

    [Theory]
    [InlineData("@alice:example.org", true)]
    [InlineData("@:example.org", true)]
    [InlineData("@Al ice☃:example.org:8448", true)]
    [InlineData("@a:[::1]:8448", true)]
    [InlineData("@a:1.2.3.4", true)]
    [InlineData("alice:example.org", false)]
    [InlineData("@alice", false)]
    [InlineData("@alice:", false)]
    [InlineData("@alice:exa_mple.org", false)]
    [InlineData("@alice:example.org:123456", false)]
    [InlineData("@alice:example.org:", false)]
    [InlineData("@a:[::1", false)]
    [InlineData("@a\0b:example.org", false)]
    public void User_ids_follow_the_grammar_with_historical_localparts(string userId, bool valid) =>
        UserIdSyntax.IsValid(userId).Should().Be(valid);

    [Fact]
    public void User_ids_are_at_most_255_bytes() =>
        UserIdSyntax.IsValid("@" + new string('a', 250) + ":b.cd").Should().BeFalse();

    [Theory]
    [InlineData("1", "5.3", "5.2", "10", "11")]
    [InlineData("3", "5.3", "5.2", "10", "")]
    [InlineData("6", "4.3", "4.2", "9", "")]
    [InlineData("8", "4.4", "4.3", "9", "")]
    [InlineData("12", "5.4", "5.3", "10", "")]
    public void Rules_are_numbered_as_the_version_numbers_them(string version, string invite, string join, string powerLevels, string redaction)
    {
        var n = AuthRuleNumbers.For(Versions.Get(version));
        (n.Invite, n.Join, n.PowerLevels, n.Redaction).Should().Be((invite, join, powerLevels, redaction));
    }

    [Fact]
    public void Power_levels_sub_rules_shift_in_v10_and_v12()
    {
        AuthRuleNumbers.For(RoomVersion.V9).PowerLevelsUsersAddedOrChanged.Should().Be("9.7");
        AuthRuleNumbers.For(RoomVersion.V10).PowerLevelsUsersAddedOrChanged.Should().Be("9.9");
        AuthRuleNumbers.For(RoomVersion.V12).PowerLevelsUsersAddedOrChanged.Should().Be("10.10");
        AuthRuleNumbers.For(RoomVersion.V12).PowerLevelsCreators.Should().Be("10.4");
        AuthRuleNumbers.For(RoomVersion.V7).JoinOtherwise.Should().Be("4.2.6");
        AuthRuleNumbers.For(RoomVersion.V8).JoinOtherwise.Should().Be("4.3.7");
    }
}
