using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// A checked <c>/keys/device_signing/upload</c>: the keys that differ from the stored ones, and whether storing
/// them needs user-interactive authentication (they replace keys of a user who has a master key).
/// </summary>
public sealed record CrossSigningUpload(string UserId, IReadOnlyList<CrossSigningKeyRecord> ChangedKeys, bool RequiresAuthentication)
{
    public bool IsEmpty => ChangedKeys.Count == 0;
}
