using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.Protocol.Events;

/// <summary>Well-formed signed events of any room version, for tests.</summary>
internal static class TestEvents
{
    public const string Server = "example.org";
    private static readonly byte[] Seed = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    public static SigningKey Key() => SigningKey.FromSeed("test", Seed);

    public static string ReferenceId(RoomVersion version, char sigil = '$') => version.Rules.EventIdFormat switch
    {
        EventIdFormat.Opaque => sigil + "ref:" + Server,
        EventIdFormat.Base64ReferenceHash => sigil + "acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk",
        _ => sigil + "Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg",
    };

    public static string RoomId(RoomVersion version) =>
        version.Rules.RoomIdIsCreateEventHash ? ReferenceId(version, '!') : "!room:" + Server;

    /// <summary>A message event (unsigned, without hashes) in the shape of the room version.</summary>
    public static JsonObject Message(RoomVersion version, string body = "hello")
    {
        JsonNode Ref() => version.Rules.EventReferencesAreHashPairs
            ? new JsonArray(ReferenceId(version), new JsonObject { ["sha256"] = "abc" })
            : ReferenceId(version);
        var pdu = new JsonObject
        {
            ["room_id"] = RoomId(version),
            ["sender"] = "@alice:" + Server,
            ["type"] = "m.room.message",
            ["content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = body },
            ["origin_server_ts"] = 1_700_000_000_000L,
            ["depth"] = 5L,
            ["prev_events"] = new JsonArray(Ref()),
            ["auth_events"] = new JsonArray(Ref()),
            ["unsigned"] = new JsonObject { ["age"] = 10L },
        };
        if (version.Rules.EventIdFormat == EventIdFormat.Opaque) pdu["event_id"] = "$msg1:" + Server;
        return pdu;
    }

    public static JsonObject Signed(JsonObject pdu, RoomVersion version)
    {
        using var key = Key();
        EventSigner.SignPdu(pdu, version, Server, key);
        return pdu;
    }

    public static IReadOnlyCollection<VerifyKey> Keys(long? validUntilTs = null)
    {
        using var key = Key();
        return [VerifyKey.FromSigningKey(key, validUntilTs)];
    }

    public static TheoryData<string> AllVersions()
    {
        var data = new TheoryData<string>();
        foreach (var v in RoomVersionRegistry.Stable) data.Add(v.Id);
        return data;
    }
}
