using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Server keys from a fixed table, with no I/O: the default until federation key fetching is
/// registered (then events of servers not in the table fail their signature check), and the
/// implementation tests use.
/// </summary>
public sealed class FixedServerKeys : IServerKeys
{
    private readonly Dictionary<string, IReadOnlyList<VerifyKey>> _keys = new(StringComparer.Ordinal);

    public FixedServerKeys()
    {
    }

    public FixedServerKeys(IReadOnlyDictionary<string, IReadOnlyList<VerifyKey>> keys)
    {
        foreach (var (server, serverKeys) in keys) _keys[server] = serverKeys;
    }

    public Task<IReadOnlyDictionary<string, VerifyKey>> GetVerifyKeysAsync(string serverName, IEnumerable<string> keyIds, long atTs,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, VerifyKey>(StringComparer.Ordinal);
        if (_keys.TryGetValue(serverName, out var serverKeys))
        {
            var wanted = keyIds.ToHashSet(StringComparer.Ordinal);
            foreach (var key in serverKeys)
                if (wanted.Contains(key.KeyId)) found[key.KeyId] = key;
        }
        return Task.FromResult<IReadOnlyDictionary<string, VerifyKey>>(found);
    }
}
