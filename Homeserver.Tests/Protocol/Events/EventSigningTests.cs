using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.Events;

public class EventSigningTests
{
    public static TheoryData<string> Versions => TestEvents.AllVersions();

    [Theory]
    [MemberData(nameof(Versions))]
    public void Signed_event_verifies_and_survives_redaction(string id)
    {
        var version = RoomVersionRegistry.Find(id)!;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);

        EventHashes.ContentHashMatches(pdu).Should().BeTrue();
        EventSignatureVerifier.Verify(pdu, version, _ => TestEvents.Keys()).IsValid.Should().BeTrue();

        // A redacted copy still carries a valid signature but no longer matches its content hash.
        var redacted = Redaction.Redact(pdu, version);
        EventSignatureVerifier.Verify(redacted, version, _ => TestEvents.Keys()).IsValid.Should().BeTrue();
        EventHashes.ContentHashMatches(redacted).Should().BeFalse();

        // Changing the content breaks the content hash only; changing the sender breaks the signature.
        pdu["content"]!["body"] = "changed";
        EventHashes.ContentHashMatches(pdu).Should().BeFalse();
        EventSignatureVerifier.Verify(pdu, version, _ => TestEvents.Keys()).IsValid.Should().BeTrue();
        pdu["depth"] = 6L;
        EventSignatureVerifier.Verify(pdu, version, _ => TestEvents.Keys()).IsValid.Should().BeFalse();
    }

    [Fact]
    public void Integrity_verdict_for_received_events()
    {
        var version = RoomVersion.V12;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        PduIntegrity.Check(pdu, version, _ => TestEvents.Keys()).Verdict.Should().Be(PduIntegrityVerdict.Intact);

        pdu["content"]!["body"] = "tampered";
        PduIntegrity.Check(pdu, version, _ => TestEvents.Keys()).Verdict.Should().Be(PduIntegrityVerdict.MustBeRedacted);

        pdu["type"] = "m.room.topic";
        var (verdict, reason) = PduIntegrity.Check(pdu, version, _ => TestEvents.Keys());
        verdict.Should().Be(PduIntegrityVerdict.Rejected);
        reason.Should().Contain("does not match");

        PduIntegrity.Check(TestEvents.Signed(TestEvents.Message(version), version), version, _ => []).Verdict
            .Should().Be(PduIntegrityVerdict.Rejected);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Event_id_has_the_room_versions_format(string id)
    {
        var version = RoomVersionRegistry.Find(id)!;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        var eventId = EventIds.Compute(pdu, version);

        switch (version.Rules.EventIdFormat)
        {
            case EventIdFormat.Opaque:
                eventId.Should().Be("$msg1:example.org");
                break;
            case EventIdFormat.Base64ReferenceHash:
                eventId.Should().Be("$" + UnpaddedBase64.Encode(EventHashes.ReferenceHash(pdu, version)));
                break;
            default:
                eventId.Should().Be("$" + UnpaddedBase64.EncodeUrlSafe(EventHashes.ReferenceHash(pdu, version)));
                eventId.Should().NotContainAny("+", "/", "=");
                break;
        }
        Federation.Identifiers.EventId.IsValid(eventId, version).Should().BeTrue();
    }

    [Fact]
    public void Reference_hash_ignores_signatures_unsigned_and_redactable_content()
    {
        var version = RoomVersion.V10;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        var before = EventHashes.ReferenceHash(pdu, version);

        pdu["unsigned"] = new JsonObject { ["age"] = 99 };
        pdu["signatures"]!["other.org"] = new JsonObject { ["ed25519:x"] = "sig" };
        pdu["content"]!["body"] = "edited";
        EventHashes.ReferenceHash(pdu, version).Should().Equal(before);

        pdu["hashes"]!["sha256"] = "different";
        EventHashes.ReferenceHash(pdu, version).Should().NotEqual(before);
    }

    [Fact]
    public void Reference_hash_is_sha256_of_the_canonical_redacted_event()
    {
        var version = RoomVersion.V11;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        var redacted = Redaction.Redact(pdu, version);
        redacted.Remove("signatures");
        var expected = System.Security.Cryptography.SHA256.HashData(CanonicalJson.Encode(redacted));
        EventHashes.ReferenceHash(pdu, version).Should().Equal(expected);
    }

    [Fact]
    public void V3_and_v4_ids_of_the_same_hash_differ_only_in_alphabet()
    {
        var hash = Enumerable.Range(0, 32).Select(i => (byte)(0xF8 + i % 8)).ToArray();
        var v3 = EventIds.FromReferenceHash(hash, RoomVersion.V3);
        var v4 = EventIds.FromReferenceHash(hash, RoomVersion.V4);
        v3.Should().Contain("/").And.Contain("+");
        v4.Should().Be(v3.Replace('+', '-').Replace('/', '_'));
        v3.Length.Should().Be(44);
    }

    [Fact]
    public void V12_room_id_is_the_create_events_id_with_a_bang()
    {
        var version = RoomVersion.V12;
        var create = new JsonObject
        {
            ["sender"] = "@alice:example.org",
            ["type"] = "m.room.create",
            ["state_key"] = "",
            ["content"] = new JsonObject { ["room_version"] = "12" },
            ["origin_server_ts"] = 1L,
            ["depth"] = 1L,
            ["prev_events"] = new JsonArray(),
            ["auth_events"] = new JsonArray(),
        };
        TestEvents.Signed(create, version);

        var pdu = PduParser.Parse(CanonicalJson.Encode(create), version);

        pdu.EventId.Should().StartWith("$").And.HaveLength(44);
        pdu.RoomId.Should().Be("!" + pdu.EventId[1..]);
        EventIds.RoomIdFromCreateEventId(pdu.EventId).Should().Be(pdu.RoomId);
        EventIds.CreateEventIdFromRoomId(pdu.RoomId).Should().Be(pdu.EventId);
        Federation.Identifiers.RoomId.IsValid(pdu.RoomId, version).Should().BeTrue();
    }

    [Fact]
    public void V1_events_need_the_event_id_servers_signature_too()
    {
        var version = RoomVersion.V1;
        var pdu = TestEvents.Message(version);
        pdu["event_id"] = "$msg1:other.org";
        TestEvents.Signed(pdu, version);

        EventSignatureVerifier.RequiredSigners(pdu, version).Should().Equal("example.org", "other.org");
        var check = EventSignatureVerifier.Verify(pdu, version, s => s == "example.org" ? TestEvents.Keys() : []);
        check.IsValid.Should().BeFalse();
        check.Reason.Should().Contain("other.org");

        EventSignatureVerifier.RequiredSigners(pdu, RoomVersion.V3).Should().Equal("example.org");
    }

    [Fact]
    public void Key_validity_is_enforced_only_from_room_version_5()
    {
        foreach (var version in new[] { RoomVersion.V4, RoomVersion.V5 })
        {
            var pdu = TestEvents.Signed(TestEvents.Message(version), version);
            var ts = pdu["origin_server_ts"]!.GetValue<long>();
            EventSignatureVerifier.Verify(pdu, version, _ => TestEvents.Keys(validUntilTs: ts)).IsValid.Should().BeTrue();
            EventSignatureVerifier.Verify(pdu, version, _ => TestEvents.Keys(validUntilTs: ts - 1)).IsValid
                .Should().Be(!version.Rules.EnforceSigningKeyValidity);
        }
    }

    [Fact]
    public void Signing_keeps_other_servers_signatures_and_other_hashes()
    {
        var version = RoomVersion.V11;
        var pdu = TestEvents.Message(version);
        pdu["hashes"] = new JsonObject { ["sha512"] = "future" };
        pdu["signatures"] = new JsonObject { ["other.org"] = new JsonObject { ["ed25519:o"] = "sig" } };
        TestEvents.Signed(pdu, version);
        pdu["hashes"]!["sha512"]!.GetValue<string>().Should().Be("future");
        pdu["signatures"]!["other.org"]!["ed25519:o"]!.GetValue<string>().Should().Be("sig");
        pdu["signatures"]!["example.org"]!["ed25519:test"].Should().NotBeNull();
    }

    [Fact]
    public void Content_hash_covers_unredacted_content_but_not_unsigned()
    {
        var pdu = TestEvents.Message(RoomVersion.V11);
        var hash = EventHashes.ContentHash(pdu);
        pdu["unsigned"] = new JsonObject { ["x"] = 1 };
        pdu["signatures"] = new JsonObject();
        pdu["hashes"] = new JsonObject { ["sha256"] = "x" };
        EventHashes.ContentHash(pdu).Should().Equal(hash);
        pdu["content"]!["body"] = "other";
        EventHashes.ContentHash(pdu).Should().NotEqual(hash);
    }
}
