using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using static Homeserver.Tests.Protocol.Authorization.TestRoomBuilder;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>Rule 1 (m.room.create) in every version, and the v12 room id rule.</summary>
public class CreateRulesTests
{
    public static TheoryData<string> All => Versions.All;
    public static TheoryData<string> WithCreatorField => Versions.Where(r => !r.CreatorIsCreateEventSender);
    public static TheoryData<string> WithoutCreatorField => Versions.Where(r => r.CreatorIsCreateEventSender);
    public static TheoryData<string> DomainRoomIds => Versions.Where(r => !r.RoomIdIsCreateEventHash);

    private static Pdu BuildCreate(string version, JsonObject? content = null, Action<JsonObject>? customize = null)
    {
        var v = Versions.Get(version);
        var create = new TestRoomBuilder(v, Alice, content ?? DefaultCreateContent(v, Alice)).Create;
        if (customize is null) return create;
        var json = create.Json.DeepClone().AsObject();
        customize(json);
        return Pdu.FromJson(json, v, create.EventId);
    }

    private static AuthResult Check(string version, Pdu create) =>
        EventAuthorizer.Default.Check(Versions.Get(version), create, new Dictionary<TypeStateKey, Pdu>());

    [Theory, MemberData(nameof(All))]
    public void A_well_formed_create_event_is_allowed(string version) =>
        Check(version, BuildCreate(version)).Allowed.Should().BeTrue();

    [Theory, MemberData(nameof(All))]
    public void A_create_event_with_prev_events_is_rejected(string version)
    {
        var create = BuildCreate(version, customize: j => j["prev_events"] = new JsonArray("$other"));
        Check(version, create).Should().Be(AuthResult.Reject("1.1", "a create event must not have prev_events"));
    }

    [Theory, MemberData(nameof(DomainRoomIds))]
    public void A_room_id_on_another_server_than_the_sender_is_rejected(string version)
    {
        var create = BuildCreate(version, customize: j => j["room_id"] = "!room:elsewhere.test");
        Check(version, create).Rule.Should().Be("1.2");
    }

    [Fact]
    public void A_v12_create_event_cannot_carry_a_room_id()
    {
        var create = BuildCreate("12");
        var json = create.Json.DeepClone().AsObject();
        json["room_id"] = "!room:a.test";
        FluentActions.Invoking(() => Pdu.FromJson(json, Versions.Get("12"), create.EventId)).Should().Throw<PduFormatException>();
    }

    [Theory, MemberData(nameof(All))]
    public void An_unknown_room_version_is_rejected_and_a_known_one_allowed(string version)
    {
        var v = Versions.Get(version);
        var unknown = DefaultCreateContent(v, Alice);
        unknown["room_version"] = "99";
        Check(version, BuildCreate(version, unknown)).Rule.Should().Be("1.3");
        var notString = DefaultCreateContent(v, Alice);
        notString["room_version"] = 12;
        Check(version, BuildCreate(version, notString)).Rule.Should().Be("1.3");
        var known = DefaultCreateContent(v, Alice);
        known["room_version"] = "1";
        Check(version, BuildCreate(version, known)).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(WithCreatorField))]
    public void Before_v11_a_create_event_needs_a_creator(string version) =>
        Check(version, BuildCreate(version, new JsonObject())).Rule.Should().Be("1.4");

    [Theory, MemberData(nameof(WithoutCreatorField))]
    public void From_v11_no_creator_is_needed(string version) =>
        Check(version, BuildCreate(version, new JsonObject())).Allowed.Should().BeTrue();

    [Theory]
    [InlineData("[\"@bob:b.test\", \"@carol:c.test\"]", true)]
    [InlineData("[]", true)]
    [InlineData("\"@bob:b.test\"", false)]
    [InlineData("[\"bob\"]", false)]
    [InlineData("[\"@bob\"]", false)]
    [InlineData("[42]", false)]
    [InlineData("[\"@bob:b.test\", null]", false)]
    public void V12_validates_additional_creators(string additional, bool allowed)
    {
        var content = new JsonObject { ["additional_creators"] = JsonNode.Parse(additional) };
        var result = Check("12", BuildCreate("12", content));
        result.Allowed.Should().Be(allowed);
        if (!allowed) result.Rule.Should().Be("1.4");
    }

    [Fact]
    public void V11_does_not_look_at_additional_creators() =>
        Check("11", BuildCreate("11", new JsonObject { ["additional_creators"] = "nonsense" })).Allowed.Should().BeTrue();

    [Theory, MemberData(nameof(All))]
    public void A_create_event_must_have_an_empty_state_key(string version)
    {
        // v12 PDUs other than the (m.room.create, "") event carry a room id.
        var create = BuildCreate(version, customize: j => { j["state_key"] = "x"; j["room_id"] ??= "!room"; });
        Check(version, create).Should().Be(AuthResult.Reject("1", "m.room.create must have an empty state_key"));
    }

    [Theory, MemberData(nameof(All))]
    public void Events_without_the_create_event_in_their_auth_state_are_rejected(string version)
    {
        var room = WithMembers(Versions.Get(version));
        var message = room.Build("m.room.message", Alice, new JsonObject { ["body"] = "hi" });
        var state = new Dictionary<TypeStateKey, Pdu>(room.State);
        state.Remove(AuthStateKeys.Create);
        var result = EventAuthorizer.Default.Check(room.Version, message, state);
        result.Rule.Should().Be(room.Version.Rules.RoomIdIsCreateEventHash ? "2" : "2.4");
    }

    [Theory, MemberData(nameof(All))]
    public void An_event_of_another_room_than_the_create_event_is_rejected(string version)
    {
        var room = WithMembers(Versions.Get(version));
        var message = room.Build("m.room.message", Alice, new JsonObject(), customize: j => j["room_id"] = "!other:a.test");
        room.Check(message).Rule.Should().Be(room.Version.Rules.RoomIdIsCreateEventHash ? "2" : "2.5");
        room.Check(room.Build("m.room.message", Alice, new JsonObject())).Allowed.Should().BeTrue();
    }
}
