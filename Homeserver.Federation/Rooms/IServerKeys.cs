using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// The verify keys of other servers, for checking the signatures on their events. The pipeline
/// answers for this server's own key itself, without asking.
/// </summary>
public interface IServerKeys
{
    /// <summary>
    /// The keys among <paramref name="keyIds"/> that <paramref name="serverName"/> used and that were
    /// valid at <paramref name="atTs"/> (ms since the epoch), by key id. Unknown keys are left out.
    /// </summary>
    Task<IReadOnlyDictionary<string, VerifyKey>> GetVerifyKeysAsync(string serverName, IEnumerable<string> keyIds, long atTs,
        CancellationToken cancellationToken);
}
