using Homeserver.Storage.UserData;

namespace Homeserver.Sync;

/// <summary>The account data store that wakes waiting syncs after each committed write.</summary>
public sealed class NotifyingAccountDataStore(AccountDataStore inner, SyncWakeups wakeups) : IAccountDataStore
{
    public Task<string?> GetAsync(string userId, string roomId, string type, CancellationToken cancellationToken) =>
        inner.GetAsync(userId, roomId, type, cancellationToken);

    public async Task<long> SetAsync(string userId, string roomId, string type, string contentJson, CancellationToken cancellationToken)
    {
        var position = await inner.SetAsync(userId, roomId, type, contentJson, cancellationToken);
        wakeups.SignalUser(userId);
        return position;
    }

    public async Task<long> UpdateAsync(string userId, string roomId, string type, Func<string?, string> update, CancellationToken cancellationToken)
    {
        var position = await inner.UpdateAsync(userId, roomId, type, update, cancellationToken);
        wakeups.SignalUser(userId);
        return position;
    }

    public Task<IReadOnlyList<AccountDataRecord>> GetAccountDataChangedSinceAsync(string userId, long sincePosition, CancellationToken cancellationToken) =>
        inner.GetAccountDataChangedSinceAsync(userId, sincePosition, cancellationToken);

    public Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken) => inner.GetCurrentPositionAsync(cancellationToken);
}
