using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

namespace Homeserver.Storage.KeyBackup;

/// <summary>
/// The room_key_backup_versions and room_key_backup_keys tables. Every write first touches all of the
/// user's version rows, which holds their locks (PostgreSQL) or the database's write lock (SQLite) until
/// commit: writes of one user are serialised, so "is this the latest version" and read-compare-write of
/// keys see no concurrent change.
/// </summary>
public sealed class KeyBackupStore(IDatabase database) : IKeyBackupStore
{
    /// <summary>Most session ids per lookup of existing keys, keeping each statement small.</summary>
    private const int LookupChunk = 500;

    /// <summary>Two first creations of a user may race for number 1 on PostgreSQL; the loser tries again.</summary>
    private const int CreateAttempts = 3;

    private const string LockUserSql = "UPDATE room_key_backup_versions SET etag = etag WHERE user_id = @UserId";

    private const string InsertVersionSql = """
        INSERT INTO room_key_backup_versions (user_id, version, algorithm, auth_data, etag, deleted)
        SELECT @UserId, COALESCE(MAX(version), 0) + 1, @Algorithm, @AuthData, 0, FALSE
        FROM room_key_backup_versions WHERE user_id = @UserId
        RETURNING version
        """;

    private const string SelectVersionColumns = """
        SELECT v.version AS Version, v.algorithm AS Algorithm, v.auth_data AS AuthDataJson, v.etag AS Etag,
            (SELECT COUNT(*) FROM room_key_backup_keys k WHERE k.user_id = v.user_id AND k.version = v.version) AS Count
        FROM room_key_backup_versions v
        """;

    private const string SelectLatestVersionSql = SelectVersionColumns + """

        WHERE v.user_id = @UserId AND v.deleted = FALSE ORDER BY v.version DESC LIMIT 1
        """;

    private const string SelectVersionSql = SelectVersionColumns + """

        WHERE v.user_id = @UserId AND v.version = @Version AND v.deleted = FALSE
        """;

    private const string SelectLatestVersionNumberSql = """
        SELECT MAX(version) FROM room_key_backup_versions WHERE user_id = @UserId AND deleted = FALSE
        """;

    private const string SelectEtagSql = """
        SELECT etag FROM room_key_backup_versions WHERE user_id = @UserId AND version = @Version AND deleted = FALSE
        """;

    private const string UpdateAuthDataSql = """
        UPDATE room_key_backup_versions SET auth_data = @AuthData WHERE user_id = @UserId AND version = @Version AND deleted = FALSE
        """;

    private const string MarkDeletedSql = "UPDATE room_key_backup_versions SET deleted = TRUE WHERE user_id = @UserId AND version = @Version";

    private const string BumpEtagSql = """
        UPDATE room_key_backup_versions SET etag = etag + 1 WHERE user_id = @UserId AND version = @Version
        RETURNING etag
        """;

    private const string CountKeysSql = "SELECT COUNT(*) FROM room_key_backup_keys WHERE user_id = @UserId AND version = @Version";

    private const string KeyColumns = """
        SELECT room_id AS RoomId, session_id AS SessionId, first_message_index AS FirstMessageIndex,
            forwarded_count AS ForwardedCount, is_verified AS IsVerified, session_data AS SessionDataJson
        FROM room_key_backup_keys
        """;

    private const string SelectAllKeysSql = KeyColumns + """

        WHERE user_id = @UserId AND version = @Version ORDER BY room_id, session_id
        """;

    private const string SelectRoomKeysSql = KeyColumns + """

        WHERE user_id = @UserId AND version = @Version AND room_id = @RoomId ORDER BY session_id
        """;

    private const string SelectSessionKeySql = KeyColumns + """

        WHERE user_id = @UserId AND version = @Version AND room_id = @RoomId AND session_id = @SessionId
        """;

    /// <summary>Existing keys of one room among the session ids of a JSON array parameter.</summary>
    private const string SelectRoomSessionsTemplate = KeyColumns + """

        WHERE user_id = @UserId AND version = @Version AND room_id = @RoomId AND {sessions}
        """;

    private const string UpsertKeySql = """
        INSERT INTO room_key_backup_keys (user_id, version, room_id, session_id, first_message_index, forwarded_count, is_verified, session_data)
        VALUES (@UserId, @Version, @RoomId, @SessionId, @FirstMessageIndex, @ForwardedCount, @IsVerified, @SessionData)
        ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE
        SET first_message_index = excluded.first_message_index, forwarded_count = excluded.forwarded_count,
            is_verified = excluded.is_verified, session_data = excluded.session_data
        """;

    private const string DeleteAllKeysSql = "DELETE FROM room_key_backup_keys WHERE user_id = @UserId AND version = @Version";

    private const string DeleteRoomKeysSql = "DELETE FROM room_key_backup_keys WHERE user_id = @UserId AND version = @Version AND room_id = @RoomId";

    private const string DeleteSessionKeySql = """
        DELETE FROM room_key_backup_keys WHERE user_id = @UserId AND version = @Version AND room_id = @RoomId AND session_id = @SessionId
        """;

    private readonly string _selectRoomSessionsSql = SelectRoomSessionsTemplate.Replace(
        "{sessions}", JsonRows.For(database.Dialect).In("session_id", "SessionIds"), StringComparison.Ordinal);

    public async Task<long> CreateVersionAsync(string userId, string algorithm, string authDataJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(algorithm);
        ArgumentException.ThrowIfNullOrEmpty(authDataJson);
        var parameters = new { UserId = userId, Algorithm = algorithm, AuthData = authDataJson };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await database.InTransactionAsync(async (connection, transaction) =>
                {
                    await LockUserAsync(connection, transaction, userId, cancellationToken);
                    return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertVersionSql, parameters, transaction,
                        cancellationToken: cancellationToken));
                }, cancellationToken);
            }
            catch (DbException e) when (attempt < CreateAttempts && database.Dialect.IsUniqueViolation(e))
            {
            }
        }
    }

    public async Task<BackupVersionRecord?> GetVersionAsync(string userId, long? version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<BackupVersionRecord>(new CommandDefinition(
            version is null ? SelectLatestVersionSql : SelectVersionSql, new { UserId = userId, Version = version }, cancellationToken: cancellationToken));
    }

    public async Task<bool> UpdateAuthDataAsync(string userId, long version, string authDataJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(authDataJson);
        var updated = await database.ExecuteInTransactionAsync(UpdateAuthDataSql,
            new { UserId = userId, Version = version, AuthData = authDataJson }, cancellationToken);
        return updated > 0;
    }

    public Task<bool> DeleteVersionAsync(string userId, long version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var key = new { UserId = userId, Version = version };
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await LockUserAsync(connection, transaction, userId, cancellationToken);
            var marked = await connection.ExecuteAsync(new CommandDefinition(MarkDeletedSql, key, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(DeleteAllKeysSql, key, transaction, cancellationToken: cancellationToken));
            return marked > 0;
        }, cancellationToken);
    }

    public Task<BackupKeysResult> PutKeysAsync(string userId, long version, IReadOnlyList<BackedUpKey> keys, Func<BackedUpKey, BackedUpKey, bool> replaces,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(replaces);
        var key = new { UserId = userId, Version = version };
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await LockUserAsync(connection, transaction, userId, cancellationToken);
            var latest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectLatestVersionNumberSql, key, transaction,
                cancellationToken: cancellationToken));
            if (latest != version)
            {
                var exists = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectEtagSql, key, transaction,
                    cancellationToken: cancellationToken)) is not null;
                return new BackupKeysResult(exists ? BackupKeysStatus.NotLatestVersion : BackupKeysStatus.UnknownVersion, 0, 0, latest);
            }

            var toWrite = new List<BackedUpKey>();
            foreach (var room in keys.GroupBy(k => k.RoomId, StringComparer.Ordinal))
            {
                foreach (var chunk in room.Chunk(LookupChunk))
                {
                    var existing = (await connection.QueryAsync<KeyRow>(new CommandDefinition(_selectRoomSessionsSql,
                            new { UserId = userId, Version = version, RoomId = room.Key, SessionIds = JsonRows.Encode(chunk.Select(k => k.SessionId)) },
                            transaction, cancellationToken: cancellationToken)))
                        .ToDictionary(r => r.SessionId, r => r.ToKey(), StringComparer.Ordinal);
                    toWrite.AddRange(chunk.Where(k => !existing.TryGetValue(k.SessionId, out var current) || replaces(k, current)));
                }
            }
            await connection.ExecuteAsync(new CommandDefinition(UpsertKeySql, toWrite.Select(k => new
            {
                UserId = userId, Version = version, k.RoomId, k.SessionId, k.FirstMessageIndex, k.ForwardedCount, k.IsVerified,
                SessionData = k.SessionDataJson,
            }), transaction, cancellationToken: cancellationToken));
            return await FinishWriteAsync(connection, transaction, userId, version, changed: toWrite.Count > 0, latest, cancellationToken);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<BackedUpKey>?> GetKeysAsync(string userId, long version, string? roomId, string? sessionId,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var (sql, parameters) = KeysQuery(userId, version, roomId, sessionId, SelectAllKeysSql, SelectRoomKeysSql, SelectSessionKeySql);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var etag = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectEtagSql, new { UserId = userId, Version = version },
            cancellationToken: cancellationToken));
        if (etag is null) return null;
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToKey()).ToList();
    }

    public Task<BackupKeysResult> DeleteKeysAsync(string userId, long version, string? roomId, string? sessionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var (sql, parameters) = KeysQuery(userId, version, roomId, sessionId, DeleteAllKeysSql, DeleteRoomKeysSql, DeleteSessionKeySql);
        var key = new { UserId = userId, Version = version };
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await LockUserAsync(connection, transaction, userId, cancellationToken);
            var latest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectLatestVersionNumberSql, key, transaction,
                cancellationToken: cancellationToken));
            var exists = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectEtagSql, key, transaction,
                cancellationToken: cancellationToken)) is not null;
            if (!exists) return new BackupKeysResult(BackupKeysStatus.UnknownVersion, 0, 0, latest);
            var deleted = await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
            return await FinishWriteAsync(connection, transaction, userId, version, changed: deleted > 0, latest, cancellationToken);
        }, cancellationToken);
    }

    private static (string Sql, object Parameters) KeysQuery(string userId, long version, string? roomId, string? sessionId,
        string all, string room, string session)
    {
        if (sessionId is not null && roomId is null)
            throw new ArgumentException("A session is named within its room.", nameof(sessionId));
        var sql = roomId is null ? all : sessionId is null ? room : session;
        return (sql, new { UserId = userId, Version = version, RoomId = roomId, SessionId = sessionId });
    }

    /// <summary>Advances the etag when keys changed and reads the version's etag and count.</summary>
    private static async Task<BackupKeysResult> FinishWriteAsync(DbConnection connection, DbTransaction transaction, string userId, long version,
        bool changed, long? latest, CancellationToken cancellationToken)
    {
        var key = new { UserId = userId, Version = version };
        var etag = await connection.ExecuteScalarAsync<long>(new CommandDefinition(changed ? BumpEtagSql : SelectEtagSql, key, transaction,
            cancellationToken: cancellationToken));
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountKeysSql, key, transaction, cancellationToken: cancellationToken));
        return new BackupKeysResult(BackupKeysStatus.Done, etag, count, latest);
    }

    private static Task LockUserAsync(DbConnection connection, DbTransaction transaction, string userId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(LockUserSql, new { UserId = userId }, transaction, cancellationToken: cancellationToken));

    /// <summary>A key row as the backends return it (SQLite has no boolean type).</summary>
    private sealed class KeyRow
    {
        public string RoomId { get; set; } = "";

        public string SessionId { get; set; } = "";

        public long FirstMessageIndex { get; set; }

        public long ForwardedCount { get; set; }

        public bool IsVerified { get; set; }

        public string SessionDataJson { get; set; } = "";

        public BackedUpKey ToKey() => new(RoomId, SessionId, FirstMessageIndex, ForwardedCount, IsVerified, SessionDataJson);
    }
}
