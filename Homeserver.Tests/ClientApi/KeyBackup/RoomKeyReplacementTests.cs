using Homeserver.KeyBackup;
using Homeserver.Storage.KeyBackup;

namespace Homeserver.Tests.ClientApi.KeyBackup;

public class RoomKeyReplacementTests
{
    private static BackedUpKey Key(bool verified, long firstMessageIndex, long forwardedCount) =>
        new("!r:example.org", "s", firstMessageIndex, forwardedCount, verified, "{}");

    [Theory]
    // incoming (verified, first index, forwarded) vs existing: replaces?
    [InlineData(true, 9, 9, false, 0, 0, true)]
    [InlineData(false, 0, 0, true, 9, 9, false)]
    [InlineData(false, 1, 9, false, 2, 0, true)]
    [InlineData(true, 2, 0, true, 1, 9, false)]
    [InlineData(false, 1, 0, false, 1, 1, true)]
    [InlineData(true, 1, 1, true, 1, 0, false)]
    [InlineData(true, 1, 1, true, 1, 1, false)]
    public void The_verified_then_earlier_then_less_forwarded_key_wins(bool inVerified, long inIndex, long inForwarded,
        bool oldVerified, long oldIndex, long oldForwarded, bool replaces)
    {
        RoomKeyReplacement.Replaces(Key(inVerified, inIndex, inForwarded), Key(oldVerified, oldIndex, oldForwarded)).Should().Be(replaces);
    }
}
