using System.Text.Json.Nodes;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Keys;

/// <summary>
/// A validated answer of <c>GET /_matrix/key/v2/server</c> (or one entry of a notary's answer): the
/// server's current keys (valid until <see cref="ValidUntilTs"/>), its old keys (each valid until its
/// <c>expired_ts</c>) and the JSON as the server signed it.
/// </summary>
public sealed record ServerKeyResponse(
    string ServerName,
    IReadOnlyDictionary<string, VerifyKey> VerifyKeys,
    IReadOnlyDictionary<string, VerifyKey> OldVerifyKeys,
    long ValidUntilTs,
    JsonObject Json)
{
    /// <summary>Current and old keys together; a current key wins over an old one with the same id.</summary>
    public IEnumerable<VerifyKey> AllKeys => VerifyKeys.Values.Concat(OldVerifyKeys.Values.Where(k => !VerifyKeys.ContainsKey(k.KeyId)));
}
