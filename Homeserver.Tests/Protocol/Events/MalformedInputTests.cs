using System.Text;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.Events;

/// <summary>Damaged input never escapes as anything but a format error.</summary>
public class MalformedInputTests
{
    [Fact]
    public void Mutated_events_give_format_errors_only()
    {
        var random = new Random(1234);
        foreach (var version in new[] { RoomVersion.V1, RoomVersion.V3, RoomVersion.V5, RoomVersion.V11, RoomVersion.V12 })
        {
            var original = CanonicalJson.Encode(TestEvents.Signed(TestEvents.Message(version, "h\u00e9llo \U0001F600"), version));
            byte[] interesting = "{}[]\":,\\0-e.1tfn\u00ff"u8.ToArray();
            for (var round = 0; round < 400; round++)
            {
                var bytes = original.ToList();
                for (var edits = random.Next(1, 4); edits > 0; edits--)
                {
                    var at = random.Next(bytes.Count);
                    switch (random.Next(3))
                    {
                        case 0: bytes[at] = interesting[random.Next(interesting.Length)]; break;
                        case 1: bytes.RemoveAt(at); break;
                        default: bytes.Insert(at, (byte)random.Next(256)); break;
                    }
                }
                var input = bytes.ToArray();
                var parse = () => PduParser.TryParse(input, version, out _, out _);
                parse.Should().NotThrow(Encoding.UTF8.GetString(input));
            }
        }
    }

    [Fact]
    public void Random_bytes_give_canonical_json_errors_only()
    {
        var random = new Random(99);
        for (var round = 0; round < 2000; round++)
        {
            var input = new byte[random.Next(1, 40)];
            random.NextBytes(input);
            foreach (var strict in new[] { false, true })
            {
                var parse = () => CanonicalJsonReader.TryParse(input, strict, out _, out _);
                parse.Should().NotThrow(Convert.ToHexString(input));
            }
        }
    }
}
