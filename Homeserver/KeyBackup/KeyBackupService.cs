using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.KeyBackup;

namespace Homeserver.KeyBackup;

/// <summary>
/// Server-side key backups with the spec's errors: 404 <c>M_NOT_FOUND</c> for a version the user does not have,
/// 403 <c>M_WRONG_ROOM_KEYS_VERSION</c> (with <c>current_version</c>) when keys go to a version that is not the latest,
/// 400 <c>M_INVALID_PARAM</c> when an update changes the algorithm or names another version.
/// </summary>
public sealed class KeyBackupService(IKeyBackupStore store)
{
    public async Task<string> CreateVersionAsync(string userId, string algorithm, JsonObject authData, CancellationToken cancellationToken)
    {
        var version = await store.CreateVersionAsync(userId, algorithm, authData.ToJsonString(), cancellationToken);
        return Format(version);
    }

    /// <summary>The version's description; <paramref name="version"/> null means the latest.</summary>
    public async Task<JsonObject> GetVersionAsync(string userId, string? version, CancellationToken cancellationToken)
    {
        long? number = null;
        if (version is not null)
            number = KeyBackupRequests.ParseVersion(version) ?? throw UnknownVersion();
        var record = await store.GetVersionAsync(userId, number, cancellationToken)
            ?? throw (version is null ? MatrixException.NotFound("No current backup version.") : UnknownVersion());
        return new JsonObject
        {
            ["algorithm"] = record.Algorithm,
            ["auth_data"] = JsonNode.Parse(record.AuthDataJson),
            ["count"] = record.Count,
            ["etag"] = Format(record.Etag),
            ["version"] = Format(record.Version),
        };
    }

    /// <summary>Replaces the auth data; the algorithm must stay and a <c>version</c> in the body must be the path's.</summary>
    public async Task UpdateVersionAsync(string userId, string version, string algorithm, JsonObject authData, string? bodyVersion,
        CancellationToken cancellationToken)
    {
        var number = KeyBackupRequests.ParseVersion(version) ?? throw UnknownVersion();
        if (bodyVersion is not null && bodyVersion != version)
            throw MatrixException.InvalidParam("The version in the body does not match the version in the path.");
        var record = await store.GetVersionAsync(userId, number, cancellationToken) ?? throw UnknownVersion();
        if (record.Algorithm != algorithm)
            throw MatrixException.InvalidParam("The algorithm does not match the backup's.");
        if (!await store.UpdateAuthDataAsync(userId, number, authData.ToJsonString(), cancellationToken))
            throw UnknownVersion();
    }

    /// <summary>Deletes the version and its keys; deleting an already deleted version succeeds.</summary>
    public async Task DeleteVersionAsync(string userId, string version, CancellationToken cancellationToken)
    {
        var number = KeyBackupRequests.ParseVersion(version) ?? throw UnknownVersion();
        if (!await store.DeleteVersionAsync(userId, number, cancellationToken))
            throw UnknownVersion();
    }

    /// <summary>Stores keys in the latest version following <see cref="RoomKeyReplacement"/>; answers <c>{etag, count}</c>.</summary>
    public async Task<JsonObject> PutKeysAsync(string userId, string version, IReadOnlyList<BackedUpKey> keys, CancellationToken cancellationToken)
    {
        var number = KeyBackupRequests.ParseVersion(version);
        var result = number is { } n
            ? await store.PutKeysAsync(userId, n, keys, RoomKeyReplacement.Replaces, cancellationToken)
            : new BackupKeysResult(BackupKeysStatus.UnknownVersion, 0, 0, null);
        return result.Status switch
        {
            BackupKeysStatus.Done => UpdateResponse(result),
            BackupKeysStatus.NotLatestVersion => throw WrongVersion(result.LatestVersion!.Value),
            _ => throw UnknownVersion(),
        };
    }

    /// <summary>The keys of the version (of one room, of one session); 404 for an unknown version or a missing session.</summary>
    public async Task<IReadOnlyList<BackedUpKey>> GetKeysAsync(string userId, string version, string? roomId, string? sessionId,
        CancellationToken cancellationToken)
    {
        var number = KeyBackupRequests.ParseVersion(version) ?? throw UnknownVersion();
        var keys = await store.GetKeysAsync(userId, number, roomId, sessionId, cancellationToken) ?? throw UnknownVersion();
        if (sessionId is not null && keys.Count == 0)
            throw MatrixException.NotFound("No key found for that session.");
        return keys;
    }

    /// <summary>Deletes keys of the version (all, one room's, one session's); answers <c>{etag, count}</c>.</summary>
    public async Task<JsonObject> DeleteKeysAsync(string userId, string version, string? roomId, string? sessionId, CancellationToken cancellationToken)
    {
        var number = KeyBackupRequests.ParseVersion(version) ?? throw UnknownVersion();
        var result = await store.DeleteKeysAsync(userId, number, roomId, sessionId, cancellationToken);
        return result.Status == BackupKeysStatus.Done ? UpdateResponse(result) : throw UnknownVersion();
    }

    /// <summary>One session's key data as the API shows it.</summary>
    public static JsonObject KeyData(BackedUpKey key) => new()
    {
        ["first_message_index"] = key.FirstMessageIndex,
        ["forwarded_count"] = key.ForwardedCount,
        ["is_verified"] = key.IsVerified,
        ["session_data"] = JsonNode.Parse(key.SessionDataJson),
    };

    /// <summary><c>{"sessionId": keyData, ...}</c> for keys of one room.</summary>
    public static JsonObject Sessions(IEnumerable<BackedUpKey> keys) =>
        new(keys.Select(k => KeyValuePair.Create(k.SessionId, (JsonNode?)KeyData(k))));

    private static JsonObject UpdateResponse(BackupKeysResult result) => new()
    {
        ["etag"] = Format(result.Etag),
        ["count"] = result.Count,
    };

    private static string Format(long number) => number.ToString(CultureInfo.InvariantCulture);

    private static MatrixException UnknownVersion() => MatrixException.NotFound("Unknown backup version.");

    private static MatrixException WrongVersion(long current) =>
        new(403, ErrorCodes.WrongRoomKeysVersion, "Keys can only be stored in the current backup version.",
            new Dictionary<string, JsonNode?> { ["current_version"] = Format(current) });
}
