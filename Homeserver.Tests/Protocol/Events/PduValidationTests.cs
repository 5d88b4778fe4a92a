using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.Events;

public class PduValidationTests
{
    public static TheoryData<string> Versions => TestEvents.AllVersions();

    private static string? Reason(JsonObject pdu, RoomVersion version) =>
        PduValidator.TryValidate(pdu, version, out var reason) ? null : reason;

    [Theory]
    [MemberData(nameof(Versions))]
    public void A_well_formed_event_parses_with_its_event_id(string id)
    {
        var version = RoomVersionRegistry.Find(id)!;
        var json = TestEvents.Signed(TestEvents.Message(version), version);

        var pdu = PduParser.Parse(CanonicalJson.Encode(json), version);

        pdu.EventId.Should().Be(EventIds.Compute(json, version));
        pdu.Type.Should().Be("m.room.message");
        pdu.Sender.Should().Be("@alice:example.org");
        pdu.RoomId.Should().Be(TestEvents.RoomId(version));
        pdu.Depth.Should().Be(5);
        pdu.PrevEvents.Should().Equal(TestEvents.ReferenceId(version));
    }

    [Theory]
    [InlineData("type", null, "type is required")]
    [InlineData("type", 5, "type must be a string")]
    [InlineData("sender", "alice", "not a valid user id")]
    [InlineData("sender", "@alice:bad server", "not a valid user id")]
    [InlineData("room_id", "#alias:example.org", "not a valid room id")]
    [InlineData("content", "text", "content must be an object")]
    [InlineData("depth", -1, "depth must not be negative")]
    [InlineData("depth", "5", "depth must be an integer")]
    [InlineData("origin_server_ts", null, "origin_server_ts is required")]
    [InlineData("hashes", "x", "hashes must be an object")]
    [InlineData("signatures", null, "signatures is required")]
    [InlineData("unsigned", 1, "unsigned must be an object")]
    [InlineData("prev_events", "x", "prev_events must be an array")]
    [InlineData("state_key", 1, "state_key must be a string")]
    public void Malformed_fields_are_reported(string field, object? value, string reason)
    {
        var version = RoomVersion.V11;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        if (value is null) pdu.Remove(field);
        else pdu[field] = JsonValue.Create(value);
        if (field == "signatures" && value is null) reason = "signatures must be an object";

        Reason(pdu, version).Should().Contain(reason);
    }

    [Fact]
    public void Reference_format_follows_the_room_version()
    {
        var v1 = TestEvents.Signed(TestEvents.Message(RoomVersion.V1), RoomVersion.V1);
        v1["prev_events"] = new JsonArray("$a:example.org");
        Reason(v1, RoomVersion.V1).Should().Contain("pairs");

        var v4 = TestEvents.Signed(TestEvents.Message(RoomVersion.V4), RoomVersion.V4);
        v4["auth_events"] = new JsonArray("$a:example.org");
        Reason(v4, RoomVersion.V4).Should().Contain("auth_events contains an invalid event id");

        var v3 = TestEvents.Signed(TestEvents.Message(RoomVersion.V3), RoomVersion.V3);
        v3["prev_events"] = new JsonArray("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg");
        Reason(v3, RoomVersion.V3).Should().Contain("prev_events contains an invalid event id");
    }

    [Fact]
    public void Reference_counts_are_limited()
    {
        var version = RoomVersion.V10;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        pdu["prev_events"] = new JsonArray(Enumerable.Repeat<JsonNode?>(null, 21).Select(_ => (JsonNode?)TestEvents.ReferenceId(version)).ToArray());
        Reason(pdu, version).Should().Contain("more than 20");
        pdu["prev_events"] = new JsonArray(Enumerable.Repeat<JsonNode?>(null, 20).Select(_ => (JsonNode?)TestEvents.ReferenceId(version)).ToArray());
        Reason(pdu, version).Should().BeNull();
        pdu["auth_events"] = new JsonArray(Enumerable.Repeat<JsonNode?>(null, 11).Select(_ => (JsonNode?)TestEvents.ReferenceId(version)).ToArray());
        Reason(pdu, version).Should().Contain("more than 10");
    }

    [Fact]
    public void V1_events_need_an_event_id_with_a_server()
    {
        var pdu = TestEvents.Signed(TestEvents.Message(RoomVersion.V2), RoomVersion.V2);
        pdu.Remove("event_id");
        Reason(pdu, RoomVersion.V2).Should().Contain("event_id is required");
        pdu["event_id"] = "$nohost";
        Reason(pdu, RoomVersion.V2).Should().Contain("not a valid event id");
    }

    [Fact]
    public void V12_create_events_have_no_room_id_and_other_events_a_hash_room_id()
    {
        var version = RoomVersion.V12;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        pdu["room_id"] = "!room:example.org";
        Reason(pdu, version).Should().Contain("not a valid room id for room version 12");

        pdu["type"] = "m.room.create";
        pdu["state_key"] = "";
        Reason(pdu, version).Should().Contain("must not have room_id");
        pdu.Remove("room_id");
        Reason(pdu, version).Should().BeNull();
    }

    [Theory]
    [InlineData("type")]
    [InlineData("state_key")]
    public void Type_and_state_key_are_limited_to_255_bytes(string field)
    {
        var version = RoomVersion.V11;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        pdu[field] = new string('a', 255);
        Reason(pdu, version).Should().BeNull();
        pdu[field] = new string('a', 254) + "\u00e9";
        Reason(pdu, version).Should().Contain("longer than 255 bytes");
    }

    [Fact]
    public void Sender_and_room_id_are_limited_to_255_bytes()
    {
        var version = RoomVersion.V11;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        pdu["sender"] = "@" + new string('a', 243) + ":example.org";
        Reason(pdu, version).Should().Contain("sender");
        pdu["sender"] = "@alice:example.org";
        pdu["room_id"] = "!" + new string('a', 243) + ":example.org";
        Reason(pdu, version).Should().Contain("room_id");
    }

    [Fact]
    public void The_whole_event_is_limited_to_65536_bytes_of_canonical_json()
    {
        var version = RoomVersion.V11;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        var baseSize = CanonicalJson.EncodedLength(pdu) - "hello".Length;
        pdu["content"]!["body"] = new string('x', PduLimits.MaxEventBytes - baseSize);
        CanonicalJson.EncodedLength(pdu).Should().Be(PduLimits.MaxEventBytes);
        Reason(pdu, version).Should().BeNull();

        pdu["content"]!["body"] = new string('x', PduLimits.MaxEventBytes - baseSize + 1);
        Reason(pdu, version).Should().Contain("65537 bytes");

        // Whitespace in the input does not count; the canonical form does.
        pdu["content"]!["body"] = new string('x', PduLimits.MaxEventBytes - baseSize);
        var padded = Encoding.UTF8.GetBytes(pdu.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + new string(' ', 1000));
        padded.Length.Should().BeGreaterThan(PduLimits.MaxEventBytes);
        PduParser.TryParse(padded, version, out _, out var reason).Should().BeTrue(reason);
    }

    [Fact]
    public void Parser_applies_the_room_versions_json_rules()
    {
        var json = TestEvents.Signed(TestEvents.Message(RoomVersion.V5), RoomVersion.V5);
        var text = CanonicalJson.EncodeToString(json).Replace("\"msgtype\":\"m.text\"", "\"msgtype\":\"m.text\",\"n\":1.5");
        PduParser.TryParse(Encoding.UTF8.GetBytes(text), RoomVersion.V5, out _, out var lenient).Should().BeTrue(lenient);

        var v6 = TestEvents.Signed(TestEvents.Message(RoomVersion.V6), RoomVersion.V6);
        var strictText = CanonicalJson.EncodeToString(v6).Replace("\"msgtype\":\"m.text\"", "\"msgtype\":\"m.text\",\"n\":1.5");
        PduParser.TryParse(Encoding.UTF8.GetBytes(strictText), RoomVersion.V6, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("not an integer");
    }

    [Theory]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("{\"a\":1,\"a\":1}", "duplicate key")]
    [InlineData("not json", "malformed")]
    [InlineData("{}", "type is required")]
    public void Parser_reports_bad_input_without_throwing_other_exceptions(string text, string reason)
    {
        PduParser.TryParse(Encoding.UTF8.GetBytes(text), RoomVersion.V11, out var pdu, out var why).Should().BeFalse();
        pdu.Should().BeNull();
        why.Should().Contain(reason);
    }

    [Fact]
    public void Parser_refuses_huge_input_before_reading_it()
    {
        var huge = new byte[PduParser.MaxInputBytes + 1];
        PduParser.TryParse(huge, RoomVersion.V11, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("larger than");
    }

    [Fact]
    public void Redacts_must_be_an_event_id()
    {
        var version = RoomVersion.V11;
        var pdu = TestEvents.Message(version);
        pdu["type"] = "m.room.redaction";
        pdu["content"] = new JsonObject { ["redacts"] = "not an id" };
        TestEvents.Signed(pdu, version);
        Reason(pdu, version).Should().Contain("content.redacts");
        pdu["content"]!["redacts"] = TestEvents.ReferenceId(version);
        Reason(pdu, version).Should().BeNull();
        pdu["redacts"] = 5;
        Reason(pdu, version).Should().Contain("redacts must be");
    }
}
