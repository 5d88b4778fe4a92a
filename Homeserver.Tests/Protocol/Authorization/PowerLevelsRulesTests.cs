using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using static Homeserver.Tests.Protocol.Authorization.TestRoomBuilder;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>The m.room.power_levels rule: content validity per version, v12 creators, and change limits.</summary>
public class PowerLevelsRulesTests
{
    public static TheoryData<string> All => Versions.All;
    public static TheoryData<string> StringsAllowed => Versions.Where(r => !r.IntegerOnlyPowerLevels);
    public static TheoryData<string> IntegersOnly => Versions.Where(r => r.IntegerOnlyPowerLevels);
    public static TheoryData<string> FloatsAllowed => Versions.Where(r => !r.StrictCanonicalJson);
    public static TheoryData<string> NotificationsLimited => Versions.Where(r => r.LimitNotificationsPowerLevels);
    public static TheoryData<string> NotificationsFree => Versions.Where(r => !r.LimitNotificationsPowerLevels);
    public static TheoryData<string> FiniteCreators => Versions.Where(r => !r.CreatorsHaveInfinitePower);

    /// <summary>A room where Alice (100, or creator in v12) and Bob (50) are joined, and Carol (50) too.</summary>
    private static TestRoomBuilder Room(string version) =>
        WithMembers(Versions.Get(version), levels: new Dictionary<string, long> { [Alice] = 100, [Bob] = 50, [Carol] = 50 }, members: [Bob, Carol]);

    private static AuthResult Propose(TestRoomBuilder room, string sender, string contentJson) =>
        room.Check(room.Build(AuthStateKeys.PowerLevelsType, sender, JsonNode.Parse(contentJson)!.AsObject(), stateKey: ""));

    private static string Users(TestRoomBuilder room, string rest = "") =>
        room.Version.Rules.CreatorsHaveInfinitePower
            ? "{\"@bob:b.test\": 50, \"@carol:c.test\": 50" + rest + "}"
            : "{\"@alice:a.test\": 100, \"@bob:b.test\": 50, \"@carol:c.test\": 50" + rest + "}";

    private static AuthRuleNumbers N(TestRoomBuilder room) => AuthRuleNumbers.For(room.Version);

    [Theory, MemberData(nameof(StringsAllowed))]
    public void Before_v10_levels_may_be_strings(string version)
    {
        var room = Room(version);
        Propose(room, Alice, $"{{\"users\": {Users(room, ", \"@dave:a.test\": \" +10 \"")}, \"ban\": \"60\", \"events\": {{\"m.room.name\": \"0050\"}}}}")
            .Allowed.Should().BeTrue();
        Propose(room, Alice, $"{{\"users\": {Users(room, ", \"@dave:a.test\": \"ten\"")}}}").Rule.Should().Be(N(room).PowerLevelsUsers);
    }

    [Theory, MemberData(nameof(IntegersOnly))]
    public void From_v10_every_level_must_be_an_integer(string version)
    {
        var room = Room(version);
        var n = N(room);
        Propose(room, Alice, $"{{\"users\": {Users(room)}, \"ban\": 60}}").Allowed.Should().BeTrue();
        Propose(room, Alice, $"{{\"users\": {Users(room)}, \"ban\": \"60\"}}").Rule.Should().Be(n.PowerLevelsTopLevelIntegers);
        Propose(room, Alice, $"{{\"users\": {Users(room)}, \"invite\": null}}").Rule.Should().Be(n.PowerLevelsTopLevelIntegers);
        Propose(room, Alice, $"{{\"users\": {Users(room)}, \"events\": {{\"m.room.name\": \"50\"}}}}").Rule.Should().Be(n.PowerLevelsMapsIntegers);
        Propose(room, Alice, $"{{\"users\": {Users(room)}, \"notifications\": []}}").Rule.Should().Be(n.PowerLevelsMapsIntegers);
        Propose(room, Alice, $"{{\"users\": {Users(room, ", \"@dave:a.test\": \"10\"")}}}").Rule.Should().Be(n.PowerLevelsUsers);
    }

    [Theory, MemberData(nameof(FloatsAllowed))]
    public void Before_v6_float_levels_are_truncated(string version)
    {
        var room = Room(version);
        Propose(room, Alice, $"{{\"users\": {Users(room, ", \"@dave:a.test\": 50.57")}}}").Allowed.Should().BeTrue();
        Propose(room, Bob, $"{{\"users\": {Users(room, ", \"@dave:a.test\": 50.57")}}}").Allowed.Should().BeTrue("50.57 counts as 50, not above Bob");
    }

    [Theory, MemberData(nameof(All))]
    public void Users_must_be_an_object_of_user_ids(string version)
    {
        var room = Room(version);
        Propose(room, Alice, "{\"users\": []}").Rule.Should().Be(N(room).PowerLevelsUsers);
        Propose(room, Alice, $"{{\"users\": {Users(room, ", \"dave\": 10")}}}").Rule.Should().Be(N(room).PowerLevelsUsers);
        Propose(room, Alice, $"{{\"users\": {Users(room, ", \"@dave:a.test\": true")}}}").Rule.Should().Be(N(room).PowerLevelsUsers);
    }

    [Theory, MemberData(nameof(FiniteCreators))]
    public void Before_v12_the_first_power_levels_event_may_say_anything(string version)
    {
        var room = new TestRoomBuilder(Versions.Get(version));
        room.Join(Alice);
        room.Check(room.Build(AuthStateKeys.PowerLevelsType, Alice,
            new JsonObject { ["users"] = new JsonObject { [Alice] = 1000, [Bob] = 1000 }, ["ban"] = 5000 }, stateKey: "")).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(All))]
    public void Top_level_levels_can_only_be_changed_within_the_senders_level(string version)
    {
        var room = Room(version);
        var n = N(room);
        room.PowerLevels(Alice, JsonNode.Parse($"{{\"users\": {Users(room)}, \"kick\": 40, \"ban\": 60, \"state_default\": 50}}")!.AsObject());
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"kick\": 45, \"ban\": 60, \"state_default\": 50}}").Allowed.Should().BeTrue();
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"kick\": 40, \"ban\": 60, \"state_default\": 40}}").Allowed.Should().BeTrue("a level equal to the sender's may change");
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"kick\": 50, \"ban\": 60, \"state_default\": 50}}").Allowed.Should().BeTrue("up to the sender's level");
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"kick\": 40, \"ban\": 50, \"state_default\": 50}}").Rule.Should().Be(n.PowerLevelsTopLevelChanges + ".1", "ban is 60 now");
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"kick\": 55, \"ban\": 60, \"state_default\": 50}}").Rule.Should().Be(n.PowerLevelsTopLevelChanges + ".2");
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"kick\": 40, \"state_default\": 50}}").Rule.Should().Be(n.PowerLevelsTopLevelChanges + ".1", "removing ban changes it");
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"kick\": 40, \"ban\": 60, \"state_default\": 50, \"redact\": 51}}").Rule.Should().Be(n.PowerLevelsTopLevelChanges + ".2", "adding counts");
    }

    [Theory, MemberData(nameof(All))]
    public void Event_levels_above_the_sender_cannot_be_touched(string version)
    {
        var room = Room(version);
        var n = N(room);
        room.PowerLevels(Alice, JsonNode.Parse($"{{\"users\": {Users(room)}, \"events\": {{\"m.room.name\": 50, \"m.room.tombstone\": 100}}}}")!.AsObject());
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"events\": {{\"m.room.name\": 20, \"m.room.tombstone\": 100, \"m.room.topic\": 50}}}}").Allowed.Should().BeTrue();
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"events\": {{\"m.room.name\": 50}}}}").Rule.Should().Be(n.PowerLevelsMapEntriesChangedOrRemoved + ".1");
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"events\": {{\"m.room.name\": 50, \"m.room.tombstone\": 100, \"m.room.topic\": 51}}}}").Rule.Should().Be(n.PowerLevelsMapEntriesAddedOrChanged + ".1");
    }

    [Theory, MemberData(nameof(NotificationsLimited))]
    public void From_v6_notification_levels_are_limited_too(string version)
    {
        var room = Room(version);
        var n = N(room);
        room.PowerLevels(Alice, JsonNode.Parse($"{{\"users\": {Users(room)}, \"notifications\": {{\"room\": 100}}}}")!.AsObject());
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"notifications\": {{\"room\": 10}}}}").Rule.Should().Be(n.PowerLevelsMapEntriesChangedOrRemoved + ".1");
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"notifications\": {{\"room\": 100, \"other\": 60}}}}").Rule.Should().Be(n.PowerLevelsMapEntriesAddedOrChanged + ".1");
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"notifications\": {{\"room\": 100, \"other\": 40}}}}").Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(NotificationsFree))]
    public void Before_v6_notification_levels_are_not_checked(string version)
    {
        var room = Room(version);
        room.PowerLevels(Alice, JsonNode.Parse($"{{\"users\": {Users(room)}, \"notifications\": {{\"room\": 100}}}}")!.AsObject());
        Propose(room, Bob, $"{{\"users\": {Users(room)}, \"notifications\": {{\"room\": 10, \"other\": 99}}}}").Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(All))]
    public void Users_at_or_above_the_sender_cannot_be_changed_and_nobody_raised_above_the_sender(string version)
    {
        var room = Room(version);
        var n = N(room);
        var all = Users(room);
        Propose(room, Bob, $"{{\"users\": {all.Replace("\"@carol:c.test\": 50", "\"@carol:c.test\": 10")}}}").Rule.Should().Be(n.PowerLevelsUsersChangedOrRemoved + ".1", "Carol is at Bob's level");
        Propose(room, Bob, $"{{\"users\": {all.Replace("\"@bob:b.test\": 50", "\"@bob:b.test\": 10")}}}").Allowed.Should().BeTrue("demoting oneself");
        Propose(room, Bob, $"{{\"users\": {Users(room, ", \"@dave:a.test\": 50")}}}").Allowed.Should().BeTrue("adding someone at one's own level");
        Propose(room, Bob, $"{{\"users\": {Users(room, ", \"@dave:a.test\": 51")}}}").Rule.Should().Be(n.PowerLevelsUsersAddedOrChanged + ".1");
        Propose(room, Bob, $"{{\"users\": {all.Replace("\"@bob:b.test\": 50", "\"@bob:b.test\": 60")}}}").Rule.Should().Be(n.PowerLevelsUsersAddedOrChanged + ".1", "self-promotion");
        Propose(room, Alice, $"{{\"users\": {all.Replace("\"@carol:c.test\": 50", "\"@carol:c.test\": 10")}}}").Allowed.Should().BeTrue();
    }

    [Theory]
    [InlineData("12", Alice, false)]
    [InlineData("12", Bob, false)]
    [InlineData("12", Carol, true)]
    [InlineData("11", Alice, true)]
    public void In_v12_creators_must_not_be_listed_in_users(string version, string listed, bool allowed)
    {
        var v = Versions.Get(version);
        var createContent = DefaultCreateContent(v, Alice);
        createContent["additional_creators"] = new JsonArray(Bob);
        var room = new TestRoomBuilder(v, Alice, createContent);
        room.Join(Alice);
        var result = room.Check(room.Build(AuthStateKeys.PowerLevelsType, Alice, new JsonObject { ["users"] = new JsonObject { [listed] = 100 } }, stateKey: ""));
        result.Allowed.Should().Be(allowed);
        if (!allowed) result.Rule.Should().Be("10.4");
    }
}
