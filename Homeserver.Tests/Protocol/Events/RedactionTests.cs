using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.Events;

/// <summary>Which keys survive redaction, for every stable room version.</summary>
public class RedactionTests
{
    private static JsonObject Redacted(string type, JsonObject content, string roomVersion) =>
        Redaction.Redact(new JsonObject
        {
            ["type"] = type,
            ["content"] = content,
            ["origin"] = "example.org",
            ["membership"] = "join",
            ["prev_state"] = new JsonArray(),
            ["unsigned"] = new JsonObject { ["age"] = 1 },
            ["other"] = "dropped",
            ["sender"] = "@a:example.org",
        }, RoomVersionRegistry.Find(roomVersion)!);

    [Theory]
    [InlineData("1", true)]
    [InlineData("5", true)]
    [InlineData("10", true)]
    [InlineData("11", false)]
    [InlineData("12", false)]
    public void Top_level_origin_membership_prev_state_until_v11(string version, bool kept)
    {
        var redacted = Redacted("m.room.message", new JsonObject { ["body"] = "x" }, version);
        redacted.ContainsKey("origin").Should().Be(kept);
        redacted.ContainsKey("membership").Should().Be(kept);
        redacted.ContainsKey("prev_state").Should().Be(kept);
        redacted.ContainsKey("unsigned").Should().BeFalse();
        redacted.ContainsKey("other").Should().BeFalse();
        redacted["content"].Should().BeOfType<JsonObject>().Which.Count.Should().Be(0);
        redacted["sender"]!.GetValue<string>().Should().Be("@a:example.org");
    }

    [Theory]
    [InlineData("m.room.aliases", "aliases", "1,2,3,4,5")]
    [InlineData("m.room.join_rules", "allow", "8,9,10,11,12")]
    [InlineData("m.room.join_rules", "join_rule", "1,2,3,4,5,6,7,8,9,10,11,12")]
    [InlineData("m.room.member", "join_authorised_via_users_server", "9,10,11,12")]
    [InlineData("m.room.member", "membership", "1,2,3,4,5,6,7,8,9,10,11,12")]
    [InlineData("m.room.member", "displayname", "")]
    [InlineData("m.room.power_levels", "invite", "11,12")]
    [InlineData("m.room.power_levels", "users_default", "1,2,3,4,5,6,7,8,9,10,11,12")]
    [InlineData("m.room.power_levels", "notifications", "")]
    [InlineData("m.room.create", "creator", "1,2,3,4,5,6,7,8,9,10,11,12")]
    [InlineData("m.room.create", "room_version", "11,12")]
    [InlineData("m.room.redaction", "redacts", "11,12")]
    [InlineData("m.room.history_visibility", "history_visibility", "1,2,3,4,5,6,7,8,9,10,11,12")]
    [InlineData("m.room.topic", "topic", "")]
    public void Content_keys_kept_per_version(string type, string key, string keptIn)
    {
        var kept = keptIn.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        foreach (var version in RoomVersionRegistry.Stable)
        {
            var redacted = Redacted(type, new JsonObject { [key] = "value", ["junk"] = 1 }, version.Id);
            redacted["content"]!.AsObject().ContainsKey(key).Should().Be(kept.Contains(version.Id), $"{type}.{key} in v{version.Id}");
            redacted["content"]!.AsObject().ContainsKey("junk").Should().Be(type == "m.room.create" && kept.Contains("11") && version.Rules.RedactionKeepsAllCreateContent);
        }
    }

    [Theory]
    [InlineData("10", null)]
    [InlineData("11", "{\"signed\":{\"mxid\":\"@b:x\"}}")]
    public void Third_party_invite_keeps_only_signed_from_v11(string version, string? expected)
    {
        var content = new JsonObject
        {
            ["membership"] = "invite",
            ["third_party_invite"] = new JsonObject { ["display_name"] = "b", ["signed"] = new JsonObject { ["mxid"] = "@b:x" } },
        };
        var redacted = Redacted("m.room.member", content, version);
        redacted["content"]!["third_party_invite"]?.ToJsonString().Should().Be(expected);
        if (expected is null) redacted["content"]!.AsObject().ContainsKey("third_party_invite").Should().BeFalse();
    }

    [Fact]
    public void Content_is_always_present()
    {
        var redacted = Redaction.Redact(new JsonObject { ["type"] = "m.room.member" }, RoomVersion.V1);
        redacted["content"].Should().BeOfType<JsonObject>();
        Redaction.Redact(new JsonObject { ["content"] = "not an object" }, RoomVersion.V12)["content"].Should().BeOfType<JsonObject>();
    }
}
