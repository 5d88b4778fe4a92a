using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using static Homeserver.Tests.Protocol.Authorization.TestRoomBuilder;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>The rules after the member rules, plus m.federate, aliases (v1–v5) and redaction (v1–v2).</summary>
public class GeneralRulesTests
{
    public static TheoryData<string> All => Versions.All;
    public static TheoryData<string> AliasesSpecialCase => Versions.Where(r => r.SpecialCaseAliasesAuth);
    public static TheoryData<string> AliasesOrdinary => Versions.Where(r => !r.SpecialCaseAliasesAuth);
    public static TheoryData<string> RedactionDomainRule => Versions.Where(r => r.RedactionAuthChecksEventIdDomain);
    public static TheoryData<string> NoRedactionDomainRule => Versions.Where(r => !r.RedactionAuthChecksEventIdDomain);
    public static TheoryData<string> FiniteCreators => Versions.Where(r => !r.CreatorsHaveInfinitePower);

    private static AuthRuleNumbers Numbers(TestRoomBuilder room) => AuthRuleNumbers.For(room.Version);

    [Theory, MemberData(nameof(All))]
    public void A_room_that_does_not_federate_rejects_senders_of_other_servers(string version)
    {
        var v = Versions.Get(version);
        var content = DefaultCreateContent(v, Alice);
        content["m.federate"] = false;
        var room = new TestRoomBuilder(v, Alice, content);
        room.Join(Alice);
        room.JoinRules(Alice, "public");

        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(Numbers(room).Federate);
        room.Check(room.MemberEvent(Dave, Dave, "join")).Allowed.Should().BeTrue("Dave is on Alice's server");
    }

    [Theory, MemberData(nameof(All))]
    public void M_federate_true_allows_other_servers(string version)
    {
        var v = Versions.Get(version);
        var content = DefaultCreateContent(v, Alice);
        content["m.federate"] = true;
        var room = new TestRoomBuilder(v, Alice, content);
        room.Join(Alice);
        room.JoinRules(Alice, "public");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(AliasesSpecialCase))]
    public void Before_v6_aliases_are_allowed_for_the_senders_own_server_even_without_membership(string version)
    {
        var room = WithMembers(Versions.Get(version));
        room.Check(room.Build("m.room.aliases", Bob, new JsonObject(), stateKey: "b.test")).Allowed.Should().BeTrue();
        room.Check(room.Build("m.room.aliases", Bob, new JsonObject(), stateKey: "a.test")).Rule.Should().Be("4.2");
        room.Check(room.Build("m.room.aliases", Bob, new JsonObject())).Rule.Should().Be("4.1");
    }

    [Theory, MemberData(nameof(AliasesOrdinary))]
    public void From_v6_aliases_are_an_ordinary_state_event(string version)
    {
        var room = WithMembers(Versions.Get(version), members: Bob);
        room.Check(room.Build("m.room.aliases", Carol, new JsonObject(), stateKey: "c.test")).Rule.Should().Be(Numbers(room).SenderJoined);
        room.Check(room.Build("m.room.aliases", Bob, new JsonObject(), stateKey: "b.test")).Rule.Should().Be(Numbers(room).RequiredPowerLevel);
        room.Check(room.Build("m.room.aliases", Alice, new JsonObject(), stateKey: "b.test")).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(All))]
    public void Only_joined_users_can_send_events(string version)
    {
        var room = WithMembers(Versions.Get(version), members: Bob);
        room.Check(room.Build("m.room.message", Bob, new JsonObject())).Allowed.Should().BeTrue();
        room.Check(room.Build("m.room.message", Carol, new JsonObject())).Rule.Should().Be(Numbers(room).SenderJoined);
        room.Member(Bob, Bob, "leave");
        room.Check(room.Build("m.room.message", Bob, new JsonObject())).Rule.Should().Be(Numbers(room).SenderJoined);
    }

    [Theory, MemberData(nameof(All))]
    public void Third_party_invite_events_need_the_invite_level(string version)
    {
        var v = Versions.Get(version);
        var room = WithMembers(v, members: Bob);
        var invite = room.Build("m.room.third_party_invite", Bob, new JsonObject { ["display_name"] = "x" }, stateKey: "token");
        room.Check(invite).Allowed.Should().BeTrue("the invite level defaults to 0");

        var pl = PowerLevelsContent(v, new Dictionary<string, long> { [Alice] = 100 });
        pl["invite"] = 10;
        // Even a state_default of 0 does not help: the invite level decides (the rule comes first).
        pl["state_default"] = 0;
        room.PowerLevels(Alice, pl);
        room.Check(room.Build("m.room.third_party_invite", Bob, new JsonObject(), stateKey: "token")).Rule.Should().Be(Numbers(room).ThirdPartyInvite);
    }

    [Theory, MemberData(nameof(All))]
    public void Events_need_their_required_power_level(string version)
    {
        var v = Versions.Get(version);
        var room = WithMembers(v, members: Bob);
        room.Check(room.Build("m.room.message", Bob, new JsonObject())).Allowed.Should().BeTrue("events_default is 0");
        room.Check(room.Build("m.room.topic", Bob, new JsonObject(), stateKey: "")).Rule.Should().Be(Numbers(room).RequiredPowerLevel, "state_default is 50");

        var pl = PowerLevelsContent(v, new Dictionary<string, long> { [Alice] = 100, [Bob] = 10 });
        pl["events"] = new JsonObject { ["m.room.topic"] = 10, ["m.room.message"] = 20 };
        room.PowerLevels(Alice, pl);
        room.Check(room.Build("m.room.topic", Bob, new JsonObject(), stateKey: "")).Allowed.Should().BeTrue();
        room.Check(room.Build("m.room.message", Bob, new JsonObject())).Rule.Should().Be(Numbers(room).RequiredPowerLevel);
    }

    [Theory, MemberData(nameof(FiniteCreators))]
    public void Without_power_levels_the_creator_has_100_and_others_0(string version)
    {
        var room = new TestRoomBuilder(Versions.Get(version));
        room.Join(Alice);
        room.JoinRules(Alice, "public");
        room.Join(Bob);
        room.Check(room.Build("m.room.name", Alice, new JsonObject(), stateKey: "")).Allowed.Should().BeTrue();
        room.Check(room.Build("m.room.name", Bob, new JsonObject(), stateKey: "")).Rule.Should().Be(Numbers(room).RequiredPowerLevel);
        room.Check(room.Build("m.room.message", Bob, new JsonObject())).Allowed.Should().BeTrue();
    }

    [Fact]
    public void In_v12_creators_have_infinite_power_with_or_without_power_levels()
    {
        var v = Versions.Get("12");
        var room = new TestRoomBuilder(v, Alice, new JsonObject { ["additional_creators"] = new JsonArray(Bob) });
        room.Join(Alice);
        room.JoinRules(Alice, "public");
        room.Join(Bob);
        room.Join(Carol);
        room.Check(room.Build("m.room.name", Bob, new JsonObject(), stateKey: "")).Allowed.Should().BeTrue();
        room.Check(room.Build("m.room.name", Carol, new JsonObject(), stateKey: "")).Rule.Should().Be("8");

        room.PowerLevels(Alice, new JsonObject { ["users"] = new JsonObject { [Carol] = 100 }, ["events"] = new JsonObject { ["m.room.name"] = 9_007_199_254_740_991 } });
        room.Check(room.Build("m.room.name", Bob, new JsonObject(), stateKey: "")).Allowed.Should().BeTrue("no level is above a creator's");
        room.Check(room.Build("m.room.name", Carol, new JsonObject(), stateKey: "")).Rule.Should().Be("8");
        room.Check(room.MemberEvent(Carol, Bob, "ban")).Rule.Should().Be("5.6.3", "a creator's level is above everyone's");
        room.Check(room.MemberEvent(Bob, Carol, "ban")).Allowed.Should().BeTrue();
        room.Check(room.MemberEvent(Bob, Alice, "ban")).Rule.Should().Be("5.6.3", "creators are equals: infinity is not below infinity");
    }

    [Theory, MemberData(nameof(All))]
    public void A_state_key_naming_another_user_is_rejected(string version)
    {
        var room = WithMembers(Versions.Get(version));
        room.Check(room.Build("m.custom", Alice, new JsonObject(), stateKey: Bob)).Rule.Should().Be(Numbers(room).StateKeyUserId);
        room.Check(room.Build("m.custom", Alice, new JsonObject(), stateKey: Alice)).Allowed.Should().BeTrue();
        room.Check(room.Build("m.custom", Alice, new JsonObject(), stateKey: "not-a-user")).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(RedactionDomainRule))]
    public void In_v1_and_v2_a_redaction_needs_the_redact_level_or_the_same_event_id_domain(string version)
    {
        var room = WithMembers(Versions.Get(version), members: [Bob, Dave]);
        Pdu Redaction(string sender, string redacts) =>
            room.Build("m.room.redaction", sender, new JsonObject(), customize: j => j["redacts"] = redacts);

        room.Check(Redaction(Bob, "$1:b.test")).Allowed.Should().BeTrue("same domain as the redaction's event id");
        room.Check(Redaction(Bob, "$1:a.test")).Should().Be(AuthResult.Reject("11", "sender is below the redact level and the redacted event is from another server"));
        room.Check(Redaction(Alice, "$1:b.test")).Allowed.Should().BeTrue("Alice has the redact level");
        room.Check(room.Build("m.room.redaction", Bob, new JsonObject())).Rule.Should().Be("11", "nothing to compare without redacts");
    }

    [Theory, MemberData(nameof(NoRedactionDomainRule))]
    public void From_v3_redactions_are_ordinary_events_for_the_auth_rules(string version)
    {
        var room = WithMembers(Versions.Get(version), members: Bob);
        var redaction = room.Build("m.room.redaction", Bob, new JsonObject { ["redacts"] = "$someone-elses" },
            customize: j => j["redacts"] = "$someone-elses");
        room.Check(redaction).Allowed.Should().BeTrue("the redact level is for the server applying the redaction");
    }
}
