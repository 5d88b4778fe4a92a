using System.Collections.Concurrent;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.ServerApi;

/// <summary>Other servers' verify keys that a test registers directly, instead of fetching them.</summary>
public sealed class MutableServerKeys : IServerKeys
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, VerifyKey>> _keys = new(StringComparer.Ordinal);

    /// <summary>Hosts on this network answer for their own keys.</summary>
    public InMemoryFederationNetwork? Network { get; set; }

    public void Add(string serverName, VerifyKey key) =>
        _keys.GetOrAdd(serverName, _ => new ConcurrentDictionary<string, VerifyKey>(StringComparer.Ordinal))[key.KeyId] = key;

    public void Add(string serverName, SigningKey key) => Add(serverName, VerifyKey.FromSigningKey(key));

    public Task<IReadOnlyDictionary<string, VerifyKey>> GetVerifyKeysAsync(string serverName, IEnumerable<string> keyIds, long atTs,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, VerifyKey>(StringComparer.Ordinal);
        if (Network?.KeyOf(serverName) is { } networkKey && keyIds.Contains(networkKey.KeyId)) found[networkKey.KeyId] = networkKey;
        if (_keys.TryGetValue(serverName, out var byId))
            foreach (var id in keyIds)
                if (byId.TryGetValue(id, out var key) && key.IsValidAt(atTs)) found[id] = key;
        return Task.FromResult<IReadOnlyDictionary<string, VerifyKey>>(found);
    }
}
