using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using static Homeserver.Tests.Protocol.Authorization.TestRoomBuilder;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>Auth events selection and the checks on an event's auth_events list.</summary>
public class AuthEventSelectionTests
{
    public static TheoryData<string> All => Versions.All;

    private static readonly TypeStateKey Pl = AuthStateKeys.PowerLevels;
    private static readonly TypeStateKey Create = AuthStateKeys.Create;
    private static readonly TypeStateKey Jr = AuthStateKeys.JoinRules;

    private static JsonObject Membership(string membership, JsonObject? extra = null)
    {
        var content = extra ?? new JsonObject();
        content["membership"] = membership;
        return content;
    }

    [Theory, MemberData(nameof(All))]
    public void A_create_event_has_no_auth_events(string version) =>
        AuthEventSelection.Select(Versions.Get(version), "m.room.create", "", Alice, new JsonObject()).Should().BeEmpty();

    [Fact]
    public void A_message_needs_create_power_levels_and_the_senders_membership_and_v12_drops_create()
    {
        AuthEventSelection.Select(RoomVersion.V11, "m.room.message", null, Alice, new JsonObject())
            .Should().Equal(Create, Pl, AuthStateKeys.Member(Alice));
        AuthEventSelection.Select(RoomVersion.V12, "m.room.message", null, Alice, new JsonObject())
            .Should().Equal(Pl, AuthStateKeys.Member(Alice));
    }

    [Fact]
    public void Member_events_add_the_target_and_the_join_rules_for_join_invite_and_knock()
    {
        var v = RoomVersion.V10;
        AuthEventSelection.Select(v, "m.room.member", Bob, Alice, Membership("invite"))
            .Should().Equal(Create, Pl, AuthStateKeys.Member(Alice), AuthStateKeys.Member(Bob), Jr);
        AuthEventSelection.Select(v, "m.room.member", Bob, Bob, Membership("join"))
            .Should().Equal(Create, Pl, AuthStateKeys.Member(Bob), Jr);
        AuthEventSelection.Select(v, "m.room.member", Bob, Bob, Membership("knock")).Should().Contain(Jr);
        AuthEventSelection.Select(v, "m.room.member", Bob, Alice, Membership("ban"))
            .Should().Equal(Create, Pl, AuthStateKeys.Member(Alice), AuthStateKeys.Member(Bob));
        AuthEventSelection.Select(v, "m.room.member", Bob, Bob, Membership("leave")).Should().NotContain(Jr);
    }

    [Fact]
    public void Third_party_invites_add_the_invite_of_their_token()
    {
        var content = Membership("invite", new JsonObject { ["third_party_invite"] = new JsonObject { ["signed"] = new JsonObject { ["token"] = "abc" } } });
        AuthEventSelection.Select(RoomVersion.V1, "m.room.member", Bob, Alice, content).Should().Contain(AuthStateKeys.ThirdPartyInvite("abc"));
    }

    [Fact]
    public void Restricted_joins_add_the_authorising_users_membership_from_v8()
    {
        var content = Membership("join", new JsonObject { [JoinAuthorisation.ContentKey] = Carol });
        AuthEventSelection.Select(RoomVersion.V8, "m.room.member", Bob, Bob, content).Should().Contain(AuthStateKeys.Member(Carol));
        AuthEventSelection.Select(RoomVersion.V7, "m.room.member", Bob, Bob, content).Should().NotContain(AuthStateKeys.Member(Carol));
    }

    private static List<Pdu> AuthEventsOf(TestRoomBuilder room, Pdu ev) =>
        ev.AuthEvents.Select(id => room.State.Values.Single(e => e.EventId == id)).ToList();

    [Theory, MemberData(nameof(All))]
    public void Events_built_from_the_selection_pass_the_list_check(string version)
    {
        var room = WithMembers(Versions.Get(version), members: Bob);
        var ev = room.MemberEvent(Alice, Bob, "ban");
        AuthEventSelection.AuthEventsListCheck(room.Version, ev, AuthEventsOf(room, ev)).Should().Be(AuthResult.Allow);
        AuthEventSelection.AuthEventsListCheck(room.Version, room.Create, []).Should().Be(AuthResult.Allow);
    }

    /// <summary>An event of the room whose auth_events list is replaced by the given events.</summary>
    private static (Pdu Event, List<Pdu> AuthEvents) WithAuthEvents(TestRoomBuilder room, params Pdu[] authEvents)
    {
        var ids = authEvents.Select(e => e.EventId).ToArray();
        var ev = room.Build("m.room.message", Alice, new JsonObject(), customize: j => j["auth_events"] = new JsonArray(
            ids.Select(id => room.Version.Rules.EventReferencesAreHashPairs ? (JsonNode)new JsonArray(id, new JsonObject()) : JsonValue.Create(id)).ToArray()));
        return (ev, authEvents.ToList());
    }

    [Theory, MemberData(nameof(All))]
    public void Duplicate_unexpected_missing_create_rejected_and_foreign_auth_events_are_rejected(string version)
    {
        var room = WithMembers(Versions.Get(version), members: Bob);
        var v = room.Version;
        var n = AuthRuleNumbers.For(v).AuthEvents;
        var pl = room.State[Pl];
        var aliceMember = room.State[AuthStateKeys.Member(Alice)];
        var newerPl = room.PowerLevels(Alice, pl.Content);
        var check = (Pdu[] events, Func<Pdu, bool>? rejected) =>
        {
            var (ev, list) = WithAuthEvents(room, events);
            return AuthEventSelection.AuthEventsListCheck(v, ev, list, rejected);
        };
        var baseline = v.Rules.CreateEventInAuthEvents ? new[] { room.Create, newerPl, aliceMember } : [newerPl, aliceMember];

        check(baseline, null).Should().Be(AuthResult.Allow);
        check([.. baseline, pl], null).Rule.Should().Be(n + ".1");
        check([.. baseline, room.State[AuthStateKeys.Member(Bob)]], null).Rule.Should().Be(n + ".2");
        check([.. baseline, room.State[Jr]], null).Rule.Should().Be(n + ".2", "a message does not need the join rules");
        check(baseline, e => e == aliceMember).Rule.Should().Be(n + ".3");
        if (v.Rules.CreateEventInAuthEvents)
            check([newerPl, aliceMember], null).Rule.Should().Be(n + ".4");
        else
            check([room.Create, newerPl, aliceMember], null).Rule.Should().Be(n + ".2", "v12 must not list the create event");

        var foreign = Pdu.FromJson(WithRoom(aliceMember, "!elsewhere:a.test"), v, aliceMember.EventId);
        check(v.Rules.CreateEventInAuthEvents ? [room.Create, foreign] : [foreign], null).Rule.Should().Be(n + ".5");
    }

    [Fact]
    public void The_given_events_must_be_the_listed_ones()
    {
        var room = WithMembers(RoomVersion.V10);
        var ev = room.Build("m.room.message", Alice, new JsonObject());
        AuthEventSelection.AuthEventsListCheck(room.Version, ev, [room.Create]).Rule.Should().Be("2");
    }

    [Fact]
    public void The_auth_state_of_a_v12_event_includes_its_create_event()
    {
        var room = WithMembers(RoomVersion.V12);
        var ev = room.Build("m.room.message", Alice, new JsonObject());
        var state = AuthEventSelection.ToAuthState(AuthEventsOf(room, ev), room.Create);
        state.Keys.Should().BeEquivalentTo([Create, Pl, AuthStateKeys.Member(Alice)]);
        EventAuthorizer.Default.Check(room.Version, ev, state).Should().Be(AuthResult.Allow);
    }

    private static JsonObject WithRoom(Pdu pdu, string roomId)
    {
        var json = pdu.Json.DeepClone().AsObject();
        json["room_id"] = roomId;
        return json;
    }
}
