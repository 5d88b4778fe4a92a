using System.Text.Json.Nodes;
using Homeserver.Federation.Sending;

namespace Homeserver.Tests.ServerApi.Sending;

public sealed class EduCoalescingTests
{
    [Fact]
    public void Typing_is_keyed_by_room_and_user_presence_by_user_and_receipts_by_room()
    {
        EduCoalescing.Split("m.typing", JsonObject(new { room_id = "!r:x", user_id = "@u:x", typing = true })).Single().Key.Should().Be("!r:x\n@u:x");

        var presence = EduCoalescing.Split("m.presence", (JsonObject)JsonNode.Parse("""{"push":[{"user_id":"@a:x","presence":"online"},{"user_id":"@b:x","presence":"offline"}]}""")!);
        presence.Select(p => p.Key).Should().Equal("@a:x", "@b:x");
        presence[1].Content.ToJsonString().Should().Be("""{"push":[{"user_id":"@b:x","presence":"offline"}]}""");

        var receipts = EduCoalescing.Split("m.receipt", (JsonObject)JsonNode.Parse("""{"!r1:x":{"m.read":{}},"!r2:x":{"m.read":{}}}""")!);
        receipts.Select(p => p.Key).Should().Equal("!r1:x", "!r2:x");

        EduCoalescing.Split("m.device_list_update", new JsonObject { ["user_id"] = "@a:x" }).Single().Key.Should().BeNull();
        EduCoalescing.Split("m.typing", new JsonObject { ["room_id"] = 5 }).Single().Key.Should().BeNull("a malformed EDU is sent as is, never coalesced");
    }

    [Fact]
    public void Receipts_of_a_room_merge_per_type_and_user_with_the_newer_receipt_winning()
    {
        var waiting = (JsonObject)JsonNode.Parse("""{"!r:x":{"m.read":{"@a:x":{"event_ids":["$1"]},"@b:x":{"event_ids":["$2"]}}}}""")!;
        var next = (JsonObject)JsonNode.Parse("""{"!r:x":{"m.read":{"@a:x":{"event_ids":["$3"]}},"m.read.private":{"@c:x":{"event_ids":["$4"]}}}}""")!;

        var merged = EduCoalescing.Merge("m.receipt", waiting, next);

        merged["!r:x"]!["m.read"]!["@a:x"]!["event_ids"]![0]!.GetValue<string>().Should().Be("$3");
        merged["!r:x"]!["m.read"]!["@b:x"]!["event_ids"]![0]!.GetValue<string>().Should().Be("$2");
        merged["!r:x"]!["m.read.private"]!["@c:x"].Should().NotBeNull();
        EduCoalescing.Merge("m.typing", new JsonObject { ["typing"] = true }, new JsonObject { ["typing"] = false })["typing"]!.GetValue<bool>()
            .Should().BeFalse();
    }

    private static JsonObject JsonObject(object value) => (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(value)!;
}
