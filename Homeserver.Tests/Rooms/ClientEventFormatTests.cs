using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.RoomVersions;
using Homeserver.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.Tests.Rooms;

public class ClientEventFormatTests
{
    private static EventRecord Stored(string json, string? redacts = null) => new(
        "$ev", "!room:test", "m.room.message", null, "@alice:test", 3, 1_000, 7, false, null, false, redacts,
        Encoding.UTF8.GetBytes(json));

    private const string Message = """
        {"type":"m.room.message","sender":"@alice:test","room_id":"!room:test","origin_server_ts":1000,"depth":3,
         "content":{"msgtype":"m.text","body":"hi"},"prev_events":["$p"],"auth_events":["$a"],
         "hashes":{"sha256":"x"},"signatures":{"test":{"ed25519:a":"y"}},"unsigned":{"age_ts":1}}
        """;

    [Fact]
    public void Only_client_fields_are_served_with_the_age()
    {
        var ev = ClientEventFormat.Format(Stored(Message), RoomVersion.V11, nowMs: 1_500);

        ev.Select(p => p.Key).Should().BeEquivalentTo("event_id", "content", "type", "sender", "origin_server_ts", "room_id", "unsigned");
        ev["content"]!["body"]!.GetValue<string>().Should().Be("hi");
        ev["unsigned"]!["age"]!.GetValue<long>().Should().Be(500);
    }

    [Fact]
    public void Sync_form_has_no_room_id_and_echoes_the_transaction_id_to_its_sender()
    {
        var ev = ClientEventFormat.Format(Stored(Message), RoomVersion.V11, 1_000, includeRoomId: false, transactionId: "txn1");

        ev.ContainsKey("room_id").Should().BeFalse();
        ev["unsigned"]!["transaction_id"]!.GetValue<string>().Should().Be("txn1");
    }

    [Fact]
    public void A_redacted_event_loses_its_content_and_names_its_redaction()
    {
        var because = new JsonObject { ["event_id"] = "$redaction", ["type"] = "m.room.redaction" };

        var ev = ClientEventFormat.Format(Stored(Message), RoomVersion.V11, 1_000, redactedBecause: because);

        ev["content"]!.AsObject().Should().BeEmpty();
        ev["unsigned"]!["redacted_because"]!["event_id"]!.GetValue<string>().Should().Be("$redaction");
    }
}
