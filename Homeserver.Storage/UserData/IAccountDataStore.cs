namespace Homeserver.Storage.UserData;

/// <summary>
/// One piece of account data: <paramref name="RoomId"/> is <see cref="IAccountDataStore.GlobalRoomId"/> ('')
/// for global account data. <paramref name="StreamPosition"/> is the position of its latest write.
/// </summary>
public sealed record AccountDataRecord(string UserId, string RoomId, string Type, string ContentJson, long StreamPosition);

/// <summary>
/// Account data (global and per room) on an append-only, increasing, server-wide stream: every write
/// takes a new position, and positions become visible to readers in increasing order.
/// </summary>
public interface IAccountDataStore
{
    /// <summary>The room id under which global account data is stored.</summary>
    public const string GlobalRoomId = "";

    /// <summary>The content JSON, or null when the user has none of this type there.</summary>
    Task<string?> GetAsync(string userId, string roomId, string type, CancellationToken cancellationToken);

    /// <summary>Stores the content, replacing earlier content of that type, and returns the new stream position.</summary>
    Task<long> SetAsync(string userId, string roomId, string type, string contentJson, CancellationToken cancellationToken);

    /// <summary>
    /// Read-modify-write as one unit: <paramref name="update"/> gets the current content (or null) and returns
    /// the new content. No other account data write runs in between. Returns the new stream position.
    /// </summary>
    Task<long> UpdateAsync(string userId, string roomId, string type, Func<string?, string> update, CancellationToken cancellationToken);

    /// <summary>The user's account data written after <paramref name="sincePosition"/>, oldest first.</summary>
    Task<IReadOnlyList<AccountDataRecord>> GetAccountDataChangedSinceAsync(string userId, long sincePosition, CancellationToken cancellationToken);

    /// <summary>The last position handed out and committed (0 before the first write).</summary>
    Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken);
}
