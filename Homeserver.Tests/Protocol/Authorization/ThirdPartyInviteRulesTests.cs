using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Json;
using Homeserver.Federation.Signing;
using static Homeserver.Tests.Protocol.Authorization.TestRoomBuilder;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>Invites with <c>third_party_invite</c>: the token's invite event and the identity server's signature.</summary>
public class ThirdPartyInviteRulesTests : IDisposable
{
    public static TheoryData<string> All => Versions.All;

    private readonly SigningKey _identityServer = SigningKey.FromSeed("0", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private readonly SigningKey _otherKey = SigningKey.FromSeed("0", Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());

    public void Dispose()
    {
        _identityServer.Dispose();
        _otherKey.Dispose();
    }

    private static TestRoomBuilder RoomWithInvite(string version, JsonObject inviteContent, string inviter = Alice)
    {
        var room = WithMembers(Versions.Get(version), joinRule: "invite", members: Dave);
        room.Add(AuthStateKeys.ThirdPartyInviteType, inviter, inviteContent, "tok");
        return room;
    }

    private JsonObject InviteContent(SigningKey key, bool inList = false) => inList
        ? new JsonObject { ["display_name"] = "b...@e...", ["public_keys"] = new JsonArray(new JsonObject { ["public_key"] = key.PublicKeyBase64 }) }
        : new JsonObject { ["display_name"] = "b...@e...", ["public_key"] = key.PublicKeyBase64 };

    /// <summary>A third_party_invite object whose <c>signed</c> part is signed by <paramref name="key"/>.</summary>
    private static JsonObject Signed(SigningKey key, string mxid = Bob, string token = "tok")
    {
        var signed = new JsonObject { ["mxid"] = mxid, ["token"] = token };
        var signature = key.Sign(CanonicalJson.EncodeWithout(signed, "signatures", "unsigned"));
        signed["signatures"] = new JsonObject { ["id.test"] = new JsonObject { [key.KeyId] = UnpaddedBase64.Encode(signature) } };
        return new JsonObject { ["display_name"] = "b...@e...", ["signed"] = signed };
    }

    private static AuthResult CheckInvite(TestRoomBuilder room, JsonObject thirdPartyInvite, string sender = Alice, string target = Bob) =>
        room.Check(room.MemberEvent(sender, target, "invite", new JsonObject { ["third_party_invite"] = thirdPartyInvite }));

    private static string Rule(TestRoomBuilder room, int step) => $"{AuthRuleNumbers.For(room.Version).Invite}.1.{step}";

    [Theory, MemberData(nameof(All))]
    public void A_signature_by_a_key_of_the_invite_event_allows_the_invite(string version)
    {
        CheckInvite(RoomWithInvite(version, InviteContent(_identityServer)), Signed(_identityServer)).Allowed.Should().BeTrue();
        CheckInvite(RoomWithInvite(version, InviteContent(_identityServer, inList: true)), Signed(_identityServer)).Allowed.Should().BeTrue();
    }

    [Theory, MemberData(nameof(All))]
    public void The_inviter_need_not_be_joined_but_must_have_sent_the_invite_event(string version)
    {
        var room = RoomWithInvite(version, InviteContent(_identityServer), inviter: Carol);
        CheckInvite(room, Signed(_identityServer), sender: Carol).Allowed.Should().BeTrue();
        CheckInvite(room, Signed(_identityServer), sender: Alice).Rule.Should().Be(Rule(room, 6));
    }

    [Theory, MemberData(nameof(All))]
    public void Signatures_by_other_keys_or_over_other_content_are_rejected(string version)
    {
        var room = RoomWithInvite(version, InviteContent(_identityServer));
        CheckInvite(room, Signed(_otherKey)).Rule.Should().Be(Rule(room, 8));
        var tampered = Signed(_identityServer);
        tampered["signed"]!["extra"] = "x";
        CheckInvite(room, tampered).Rule.Should().Be(Rule(room, 8));
        var unsignedInvite = Signed(_identityServer);
        unsignedInvite["signed"]!.AsObject().Remove("signatures");
        CheckInvite(room, unsignedInvite).Rule.Should().Be(Rule(room, 8));
    }

    [Theory, MemberData(nameof(All))]
    public void Each_missing_piece_is_rejected_by_its_rule(string version)
    {
        var room = RoomWithInvite(version, InviteContent(_identityServer));
        CheckInvite(room, new JsonObject()).Rule.Should().Be(Rule(room, 2));
        CheckInvite(room, new JsonObject { ["signed"] = new JsonObject { ["mxid"] = Bob } }).Rule.Should().Be(Rule(room, 3));
        CheckInvite(room, Signed(_identityServer, mxid: Carol)).Rule.Should().Be(Rule(room, 4));
        CheckInvite(room, Signed(_identityServer, token: "other")).Rule.Should().Be(Rule(room, 5));
        room.Member(Alice, Bob, "ban");
        CheckInvite(room, Signed(_identityServer)).Rule.Should().Be(Rule(room, 1));
    }

    [Fact]
    public void A_signed_object_that_cannot_be_canonical_json_is_rejected_without_an_exception()
    {
        var room = RoomWithInvite("10", InviteContent(_identityServer));
        var ev = room.MemberEvent(Alice, Bob, "invite", new JsonObject { ["third_party_invite"] = Signed(_identityServer) });
        // After signing the PDU (which needs canonical JSON), put a lone surrogate, which has no UTF-8 form, into signed.
        ev.Content["third_party_invite"]!["signed"]!["token"] = "x\uD800y";
        EventAuthorizer.Default.Check(room.Version, ev, room.State).Allowed.Should().BeFalse();
    }
}
