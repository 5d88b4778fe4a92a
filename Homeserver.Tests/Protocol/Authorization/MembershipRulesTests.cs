using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using static Homeserver.Tests.Protocol.Authorization.TestRoomBuilder;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>The m.room.member rules: join, invite, leave, ban, knock, restricted joins, per version.</summary>
public class MembershipRulesTests
{
    public static TheoryData<string> All => Versions.All;
    public static TheoryData<string> Knocking => Versions.Where(r => r.KnockingAllowed);
    public static TheoryData<string> NoKnocking => Versions.Where(r => !r.KnockingAllowed);
    public static TheoryData<string> Restricted => Versions.Where(r => r.RestrictedJoinsAllowed);
    public static TheoryData<string> NoRestricted => Versions.Where(r => !r.RestrictedJoinsAllowed);
    public static TheoryData<string> KnockRestricted => Versions.Where(r => r.KnockRestrictedAllowed);
    public static TheoryData<string> NoKnockRestricted => Versions.Where(r => !r.KnockRestrictedAllowed);

    private static AuthRuleNumbers Numbers(TestRoomBuilder room) => AuthRuleNumbers.For(room.Version);

    [Theory, MemberData(nameof(All))]
    public void A_member_event_needs_a_state_key_and_a_membership(string version)
    {
        var room = WithMembers(Versions.Get(version));
        room.Check(room.Build("m.room.member", Bob, new JsonObject(), stateKey: Bob)).Rule.Should().Be(Numbers(room).MemberFields);
        room.Check(room.Build("m.room.member", Bob, new JsonObject { ["membership"] = "join" })).Rule.Should().Be(Numbers(room).MemberFields);
    }

    [Theory, MemberData(nameof(All))]
    public void An_unknown_membership_is_rejected(string version)
    {
        var room = WithMembers(Versions.Get(version));
        room.Check(room.MemberEvent(Alice, Alice, "dance")).Rule.Should().Be(Numbers(room).UnknownMembership);
        room.Check(room.Build("m.room.member", Alice, new JsonObject { ["membership"] = 1 }, stateKey: Alice)).Rule.Should().Be(Numbers(room).UnknownMembership);
    }

    [Theory, MemberData(nameof(All))]
    public void The_creator_may_join_right_after_the_create_event(string version)
    {
        var room = new TestRoomBuilder(Versions.Get(version));
        room.Check(room.MemberEvent(Alice, Alice, "join")).Allowed.Should().BeTrue();
        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(Numbers(room).JoinInvite, "without join rules the room is invite-only");
        var notAfterCreate = room.Build("m.room.member", Alice, new JsonObject { ["membership"] = "join" }, Alice, prevEvents: ["$elsewhere"]);
        room.Check(notAfterCreate).Allowed.Should().BeFalse();
    }

    [Theory]
    [InlineData("10", Bob, true)]
    [InlineData("10", Alice, false)]
    [InlineData("11", Alice, true)]
    [InlineData("11", Bob, false)]
    public void The_first_joiner_is_content_creator_before_v11_and_the_create_sender_from_v11(string version, string joiner, bool allowed)
    {
        var v = Versions.Get(version);
        var room = new TestRoomBuilder(v, Alice, new JsonObject { ["creator"] = Bob });
        room.Check(room.MemberEvent(joiner, joiner, "join")).Allowed.Should().Be(allowed);
    }

    [Theory, MemberData(nameof(All))]
    public void Users_join_only_themselves_and_not_when_banned(string version)
    {
        var room = WithMembers(Versions.Get(version));
        room.Check(room.MemberEvent(Alice, Bob, "join")).Rule.Should().Be(Numbers(room).Join + ".2");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Allowed.Should().BeTrue("the room is public");
        room.Member(Alice, Bob, "ban");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(Numbers(room).Join + ".3");
    }

    [Theory, MemberData(nameof(All))]
    public void Invite_only_rooms_need_an_invite_or_membership(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "invite");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(Numbers(room).JoinInvite);
        room.Member(Alice, Bob, "invite");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Allowed.Should().BeTrue();
        room.Member(Bob, Bob, "join");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Allowed.Should().BeTrue("a joined user may rejoin (e.g. to change profile)");
    }

    [Theory, MemberData(nameof(All))]
    public void Unknown_join_rules_reject_joins_and_missing_join_rules_mean_invite(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "private");
        room.Member(Alice, Bob, "invite");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(Numbers(room).JoinOtherwise);

        var noRules = new TestRoomBuilder(Versions.Get(version));
        noRules.Join(Alice);
        noRules.Member(Alice, Bob, "invite");
        noRules.Check(noRules.MemberEvent(Bob, Bob, "join")).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(Knocking))]
    public void From_v7_knock_rooms_let_invited_users_join(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "knock");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(Numbers(room).JoinInvite);
        room.Member(Alice, Bob, "invite");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(NoKnocking))]
    public void Before_v7_the_knock_join_rule_means_nothing(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "knock");
        room.Member(Alice, Bob, "invite");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(Numbers(room).JoinOtherwise);
        room.Check(room.MemberEvent(Carol, Carol, "knock")).Rule.Should().Be(Numbers(room).UnknownMembership);
    }

    [Theory, MemberData(nameof(Restricted))]
    public void From_v8_restricted_joins_need_an_authorising_joined_user_who_can_invite(string version)
    {
        var v = Versions.Get(version);
        var pl = PowerLevelsContent(v, new Dictionary<string, long> { [Alice] = 100, [Dave] = 10 });
        pl["invite"] = 50;
        var room = WithMembers(v, joinRule: "restricted", members: Dave);
        room.PowerLevels(Alice, pl);
        var rule = Numbers(room).JoinRestricted + ".2";
        JsonObject Via(string user) => new() { [JoinAuthorisation.ContentKey] = user };

        room.Check(room.MemberEvent(Bob, Bob, "join", Via(Alice))).Allowed.Should().BeTrue();
        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(rule, "nobody authorised it");
        room.Check(room.MemberEvent(Bob, Bob, "join", Via(Dave))).Rule.Should().Be(rule, "Dave cannot invite");
        room.Check(room.MemberEvent(Bob, Bob, "join", Via(Carol))).Rule.Should().Be(rule, "Carol is not joined");
        pl["users"]![Dave] = 50;
        room.PowerLevels(Alice, pl);
        room.Check(room.MemberEvent(Bob, Bob, "join", Via(Dave))).Allowed.Should().BeTrue("Dave now has exactly the invite level");
        pl["users"]![Dave] = 10;
        room.PowerLevels(Alice, pl);
        room.Check(room.MemberEvent(Bob, Bob, "join", Via("not a user"))).Rule.Should().Be(Numbers(room).JoinAuthorisedVia);
        room.Member(Alice, Bob, "invite");
        room.Check(room.MemberEvent(Bob, Bob, "join")).Allowed.Should().BeTrue("invited users need no authoriser");
    }

    [Theory, MemberData(nameof(NoRestricted))]
    public void Before_v8_the_restricted_join_rule_means_nothing(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "restricted");
        var join = room.MemberEvent(Bob, Bob, "join", new JsonObject { [JoinAuthorisation.ContentKey] = Alice });
        room.Check(join).Rule.Should().Be(Numbers(room).JoinOtherwise);
        room.Check(room.MemberEvent(Bob, Bob, "join", new JsonObject { [JoinAuthorisation.ContentKey] = 5 })).Rule
            .Should().Be(Numbers(room).JoinOtherwise, "the key has no meaning before v8");
    }

    [Theory, MemberData(nameof(KnockRestricted))]
    public void From_v10_knock_restricted_allows_restricted_joins_and_knocks(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "knock_restricted");
        room.Check(room.MemberEvent(Bob, Bob, "join", new JsonObject { [JoinAuthorisation.ContentKey] = Alice })).Allowed.Should().BeTrue();
        room.Check(room.MemberEvent(Bob, Bob, "join")).Rule.Should().Be(Numbers(room).JoinRestricted + ".2");
        room.Check(room.MemberEvent(Bob, Bob, "knock")).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(NoKnockRestricted))]
    public void Before_v10_knock_restricted_means_nothing(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "knock_restricted");
        room.Check(room.MemberEvent(Bob, Bob, "join", new JsonObject { [JoinAuthorisation.ContentKey] = Alice })).Rule.Should().Be(Numbers(room).JoinOtherwise);
        if (room.Version.Rules.KnockingAllowed)
            room.Check(room.MemberEvent(Bob, Bob, "knock")).Rule.Should().Be(Numbers(room).Knock + ".1");
    }

    [Theory, MemberData(nameof(All))]
    public void Invites_need_a_joined_inviter_with_the_invite_level_and_a_target_not_joined_or_banned(string version)
    {
        var v = Versions.Get(version);
        var room = WithMembers(v, joinRule: "invite", members: Dave);
        var n = Numbers(room);
        room.Check(room.MemberEvent(Alice, Bob, "invite")).Allowed.Should().BeTrue();
        room.Check(room.MemberEvent(Dave, Bob, "invite")).Allowed.Should().BeTrue("level 0 meets the default invite level 0");
        room.Check(room.MemberEvent(Carol, Bob, "invite")).Rule.Should().Be(n.Invite + ".2");
        room.Check(room.MemberEvent(Alice, Dave, "invite")).Rule.Should().Be(n.Invite + ".3", "Dave is joined");
        room.Member(Alice, Bob, "ban");
        room.Check(room.MemberEvent(Alice, Bob, "invite")).Rule.Should().Be(n.Invite + ".3", "Bob is banned");

        var pl = PowerLevelsContent(v, new Dictionary<string, long> { [Alice] = 100 });
        pl["invite"] = 1;
        room.PowerLevels(Alice, pl);
        room.Check(room.MemberEvent(Dave, Carol, "invite")).Rule.Should().Be(n.Invite + ".5");
        room.Check(room.MemberEvent(Alice, Carol, "invite")).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(All))]
    public void Users_can_leave_or_reject_invites_but_not_leave_twice(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "invite", members: Dave);
        room.Check(room.MemberEvent(Dave, Dave, "leave")).Allowed.Should().BeTrue();
        room.Member(Alice, Bob, "invite");
        room.Check(room.MemberEvent(Bob, Bob, "leave")).Allowed.Should().BeTrue("rejecting an invite");
        room.Check(room.MemberEvent(Carol, Carol, "leave")).Rule.Should().Be(Numbers(room).Leave + ".1");
        room.Member(Alice, Bob, "ban");
        room.Check(room.MemberEvent(Bob, Bob, "leave")).Rule.Should().Be(Numbers(room).Leave + ".1", "banned users cannot unban themselves");
    }

    [Theory, MemberData(nameof(All))]
    public void A_knocking_user_can_withdraw_from_v7(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "knock");
        // Put a knock into the state directly (before v7 it cannot pass the rules, but state is state).
        room.Member(Bob, Bob, "knock");
        room.Check(room.MemberEvent(Bob, Bob, "leave")).Allowed.Should().Be(room.Version.Rules.KnockingAllowed);
    }

    [Theory, MemberData(nameof(All))]
    public void Kicks_need_the_kick_level_and_more_power_than_the_target(string version)
    {
        var v = Versions.Get(version);
        var room = WithMembers(v, levels: new Dictionary<string, long> { [Alice] = 100, [Bob] = 50, [Dave] = 50 }, members: [Bob, Dave, Carol]);
        var n = Numbers(room);
        room.Check(room.MemberEvent(Bob, Carol, "leave")).Allowed.Should().BeTrue();
        room.Check(room.MemberEvent(Bob, Dave, "leave")).Rule.Should().Be(n.Leave + ".5", "equal power");
        room.Check(room.MemberEvent(Carol, Bob, "leave")).Rule.Should().Be(n.Leave + ".5", "no kick level");
        room.Member(Bob, Bob, "leave");
        room.Check(room.MemberEvent(Bob, Carol, "leave")).Rule.Should().Be(n.Leave + ".2", "Bob is not joined");
    }

    [Theory, MemberData(nameof(All))]
    public void Unbans_need_the_ban_level(string version)
    {
        var v = Versions.Get(version);
        var pl = PowerLevelsContent(v, new Dictionary<string, long> { [Alice] = 100, [Dave] = 60 });
        pl["ban"] = 70;
        pl["kick"] = 10;
        var room = WithMembers(v, members: Dave);
        room.PowerLevels(Alice, pl);
        room.Member(Alice, Bob, "ban");
        room.Check(room.MemberEvent(Dave, Bob, "leave")).Rule.Should().Be(AuthRuleNumbers.For(v).Leave + ".3");
        room.Check(room.MemberEvent(Alice, Bob, "leave")).Allowed.Should().BeTrue();
        pl["users"]![Dave] = 70;
        room.PowerLevels(Alice, pl);
        room.Check(room.MemberEvent(Dave, Bob, "leave")).Allowed.Should().BeTrue("exactly the ban level is enough");
    }

    [Theory, MemberData(nameof(All))]
    public void Bans_need_membership_the_ban_level_and_more_power_than_the_target(string version)
    {
        var v = Versions.Get(version);
        var room = WithMembers(v, levels: new Dictionary<string, long> { [Alice] = 100, [Dave] = 40 }, members: Dave);
        var n = Numbers(room);
        room.Check(room.MemberEvent(Alice, Bob, "ban")).Allowed.Should().BeTrue("banning a non-member is fine");
        room.Check(room.MemberEvent(Dave, Bob, "ban")).Rule.Should().Be(n.Ban + ".3", "below the ban level");
        room.Check(room.MemberEvent(Carol, Bob, "ban")).Rule.Should().Be(n.Ban + ".1");
        room.Check(room.MemberEvent(Alice, Dave, "ban")).Allowed.Should().BeTrue();
        room.PowerLevels(Alice, PowerLevelsContent(v, new Dictionary<string, long> { [Alice] = 100, [Dave] = 50 }));
        room.Check(room.MemberEvent(Dave, Bob, "ban")).Allowed.Should().BeTrue("exactly the default ban level 50 is enough");
    }

    [Theory, MemberData(nameof(Knocking))]
    public void Knocks_need_the_knock_rule_the_senders_own_key_and_no_membership_yet(string version)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "knock", members: Dave);
        var n = Numbers(room);
        room.Check(room.MemberEvent(Bob, Bob, "knock")).Allowed.Should().BeTrue();
        room.Check(room.MemberEvent(Bob, Carol, "knock")).Rule.Should().Be(n.Knock + ".2");
        room.Check(room.MemberEvent(Dave, Dave, "knock")).Rule.Should().Be(n.Knock + ".4");
        room.Member(Alice, Carol, "ban");
        room.Check(room.MemberEvent(Carol, Carol, "knock")).Rule.Should().Be(n.Knock + ".4");
        room.JoinRules(Alice, "invite");
        room.Check(room.MemberEvent(Bob, Bob, "knock")).Rule.Should().Be(n.Knock + ".1");
    }
}
