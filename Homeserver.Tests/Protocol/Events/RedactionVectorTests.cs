using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.Events;

/// <summary>Every case of Vectors/redaction.json (conventions in Vectors/README.md).</summary>
public class RedactionVectorTests
{
    private const string File = "redaction.json";

    /// <summary>One row per (case, room version it applies to).</summary>
    public static TheoryData<string, string> StableCases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var c in VectorFile.Cases(File).Where(c => c["unstable_room_version"] is null))
            {
                var versions = c["applies_to_room_versions"] is JsonArray list
                    ? list.Select(v => (string)v!)
                    : [(string)c["room_version"]!];
                foreach (var version in versions) data.Add((string)c["name"]!, version);
            }
            return data;
        }
    }

    public static TheoryData<string> UnstableCases => VectorFile.Names(File, c => c["unstable_room_version"] is not null);

    [Theory]
    [MemberData(nameof(StableCases))]
    public void Redacts_as_expected(string name, string roomVersion)
    {
        var c = VectorFile.Case(File, name);
        var (input, expected) = SpecForm(c);

        var redacted = Redaction.Redact(input, RoomVersionRegistry.Find(roomVersion)!);

        JsonNode.DeepEquals(redacted, expected).Should().BeTrue($"got {redacted.ToJsonString()}, expected {expected.ToJsonString()}");
    }

    /// <summary>
    /// MSC3389 cases are for the unstable room version org.matrix.msc3389.10, which we do not
    /// support. Under the stable v10 rules m.relates_to is not kept, so content is emptied
    /// (listed in Vectors/README.md).
    /// </summary>
    [Theory]
    [MemberData(nameof(UnstableCases))]
    public void Unstable_msc3389_cases_follow_the_stable_v10_rules(string name)
    {
        var c = VectorFile.Case(File, name);
        RoomVersionRegistry.Find((string)c["room_version"]!).Should().BeNull();
        var (input, expected) = SpecForm(c);
        expected["content"] = new JsonObject();

        var redacted = Redaction.Redact(input, RoomVersion.V10);

        JsonNode.DeepEquals(redacted, expected).Should().BeTrue(redacted.ToJsonString());
    }

    [Fact]
    public void Redaction_does_not_change_its_input_and_is_idempotent()
    {
        foreach (var c in VectorFile.Cases(File).Where(c => c["unstable_room_version"] is null))
        {
            var input = c["input"]!.AsObject();
            var before = input.ToJsonString();
            var version = RoomVersionRegistry.Find((string)c["room_version"]!)!;
            var once = Redaction.Redact(input, version);
            input.ToJsonString().Should().Be(before);
            JsonNode.DeepEquals(Redaction.Redact(once, version), once).Should().BeTrue((string)c["name"]!);
        }
    }

    [Fact]
    public void Streaming_redaction_used_for_hashes_and_signatures_matches_the_redacted_copy()
    {
        var inputs = VectorFile.Cases(File).Select(c => c["input"]!.AsObject())
            .Append(new JsonObject { ["type"] = "m.room.member" })
            .Append(new JsonObject { ["type"] = 5, ["content"] = new JsonObject { ["membership"] = "join" } })
            .Append(new JsonObject { ["content"] = new JsonObject { ["x"] = 1 } });
        foreach (var input in inputs)
        foreach (var version in RoomVersionRegistry.Stable)
        {
            var copy = Redaction.Redact(input, version);
            var expected = System.Security.Cryptography.SHA256.HashData(Homeserver.Federation.Json.CanonicalJson.EncodeWithout(copy, "signatures"));
            EventHashes.ReferenceHash(input, version).Should().Equal(expected, $"v{version.Id} {input.ToJsonString()}");
        }
    }

    /// <summary>
    /// Synapse's pruned dict keeps <c>unsigned</c> (with some keys of its own) and always has
    /// <c>signatures</c>; the spec drops <c>unsigned</c> and keeps only signatures that exist.
    /// </summary>
    private static (JsonObject Input, JsonObject Expected) SpecForm(JsonObject c)
    {
        var input = c["input"]!.AsObject();
        var expected = c["expected"]!.AsObject();
        if ((bool?)c["synapse_conventions"] == true)
        {
            expected.Remove("unsigned");
            if (!input.ContainsKey("signatures") && expected["signatures"] is JsonObject { Count: 0 })
                expected.Remove("signatures");
        }
        return (input, expected);
    }
}
