using Homeserver.Storage.KeyBackup;

namespace Homeserver.KeyBackup;

/// <summary>
/// The spec's choice between a session's stored key and an uploaded one: the verified key wins; then the
/// lower <c>first_message_index</c>; then the lower <c>forwarded_count</c>. On a full tie the stored key stays.
/// </summary>
public static class RoomKeyReplacement
{
    public static bool Replaces(BackedUpKey incoming, BackedUpKey existing)
    {
        if (incoming.IsVerified != existing.IsVerified) return incoming.IsVerified;
        if (incoming.FirstMessageIndex != existing.FirstMessageIndex) return incoming.FirstMessageIndex < existing.FirstMessageIndex;
        return incoming.ForwardedCount < existing.ForwardedCount;
    }
}
