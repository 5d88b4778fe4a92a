using System.Collections.Concurrent;
using Homeserver.Storage.Accounts;

namespace Homeserver.Tests.Http;

/// <summary>An access token store for HTTP tests; the real ones are tested with the storage layer.</summary>
public sealed class InMemoryAccessTokenStore : IAccessTokenStore
{
    private readonly ConcurrentDictionary<string, AccessTokenRecord> _records = new();

    public Task<AccessTokenRecord?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        Task.FromResult(_records.GetValueOrDefault(Convert.ToHexString(tokenHash)));

    public Task AddAsync(byte[] tokenHash, AccessTokenRecord record, CancellationToken cancellationToken)
    {
        _records[Convert.ToHexString(tokenHash)] = record;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        Task.FromResult(_records.TryRemove(Convert.ToHexString(tokenHash), out _));
}
