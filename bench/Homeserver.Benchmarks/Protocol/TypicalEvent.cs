using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;

namespace Homeserver.Benchmarks.Protocol;

/// <summary>A typical room message as it arrives over federation (room version 11, about 1 KB).</summary>
public static class TypicalEvent
{
    public const string Json = """
        {
          "auth_events": ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg", "$acR1l0raoZnm60CBwAVgqbZqoO-mYU81xysh1u7XcJk", "$9PdC9LCzNxkAtBnZq_Gkg8T3bjAcZ1yW4Ylh7m9X0aQ"],
          "content": {
            "body": "Hello everyone! Does anyone know whether the meeting tomorrow starts at 10:00 or 10:30? 🙂",
            "format": "org.matrix.custom.html",
            "formatted_body": "<p>Hello <b>everyone</b>! Does anyone know whether the meeting tomorrow starts at 10:00 or 10:30? 🙂</p>",
            "m.mentions": {"user_ids": ["@bob:example.org"]},
            "msgtype": "m.text"
          },
          "depth": 4821,
          "hashes": {"sha256": "Xvl1w3f5b1m3JZ8b3YJbjv9Bq1oH6zQbC4zQ8w3s2qI"},
          "origin_server_ts": 1735603200000,
          "prev_events": ["$Z3-UfQ1ZB1cLrh3aQ2GgM_4Wm9lKGvFdtEN1rpKQkv8"],
          "room_id": "!OGEhHVWSdvArJzumhm:matrix.org",
          "sender": "@alice:example.org",
          "signatures": {"example.org": {"ed25519:a_AbCd": "placeholder"}},
          "type": "m.room.message",
          "unsigned": {"age": 1234}
        }
        """;

    public static JsonObject Parse() => CanonicalJsonReader.ParseObject(Encoding.UTF8.GetBytes(Json), strict: true);
}
