using System.Data.Common;
using System.Text.Json;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Accounts;

/// <summary>The ui_auth_sessions table: one method per statement, the same SQL on both backends.</summary>
public sealed class UiaSessionStore(IDatabase database) : IUiaSessionStore
{
    private const string InsertSql = """
        INSERT INTO ui_auth_sessions (session_id, request_key, user_id, completed_stages, created_ts, expires_ts)
        VALUES (@SessionId, @RequestKey, @UserId, @CompletedStages, @CreatedTs, @ExpiresTs)
        """;

    private const string Columns = """
        session_id AS SessionId, request_key AS RequestKey, user_id AS UserId,
        completed_stages AS CompletedStages, created_ts AS CreatedTs, expires_ts AS ExpiresTs
        """;

    private const string SelectSql = "SELECT " + Columns + " FROM ui_auth_sessions WHERE session_id = @SessionId";

    private const string UpdateStagesSql = "UPDATE ui_auth_sessions SET completed_stages = @CompletedStages WHERE session_id = @SessionId";

    private const string DeleteSql = "DELETE FROM ui_auth_sessions WHERE session_id = @SessionId";

    private const string DeleteExpiredSql = "DELETE FROM ui_auth_sessions WHERE expires_ts <= @NowMs RETURNING " + Columns;

    public async Task CreateAsync(UiaSessionRecord session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(session.SessionId, nameof(session));
        var parameters = new
        {
            session.SessionId,
            session.RequestKey,
            session.UserId,
            CompletedStages = Serialize(session.CompletedStages),
            session.CreatedTs,
            session.ExpiresTs,
        };
        try
        {
            await ExecuteAsync(InsertSql, parameters, cancellationToken);
        }
        catch (DbException e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException("A session with this id already exists.", e);
        }
    }

    public async Task<UiaSessionRecord?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(
            new CommandDefinition(SelectSql, new { SessionId = sessionId }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<bool> SetCompletedStagesAsync(string sessionId, IReadOnlyDictionary<string, string> completedStages, CancellationToken cancellationToken) =>
        await ExecuteAsync(UpdateStagesSql, new { SessionId = sessionId, CompletedStages = Serialize(completedStages) }, cancellationToken) > 0;

    public async Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken) =>
        await ExecuteAsync(DeleteSql, new { SessionId = sessionId }, cancellationToken) > 0;

    public Task<IReadOnlyList<UiaSessionRecord>> DeleteExpiredAsync(long nowMs, CancellationToken cancellationToken) =>
        database.InTransactionAsync<IReadOnlyList<UiaSessionRecord>>(async (connection, transaction) =>
        {
            var rows = await connection.QueryAsync<SessionRow>(
                new CommandDefinition(DeleteExpiredSql, new { NowMs = nowMs }, transaction, cancellationToken: cancellationToken));
            return rows.Select(row => row.ToRecord()).ToList();
        }, cancellationToken);

    private Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(sql, parameters, cancellationToken);

    private static string Serialize(IReadOnlyDictionary<string, string> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        return JsonSerializer.Serialize(stages);
    }

    private static Dictionary<string, string> Deserialize(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    private sealed class SessionRow
    {
        public string SessionId { get; init; } = "";
        public string RequestKey { get; init; } = "";
        public string? UserId { get; init; }
        public string CompletedStages { get; init; } = "{}";
        public long CreatedTs { get; init; }
        public long ExpiresTs { get; init; }

        public UiaSessionRecord ToRecord() => new(SessionId, RequestKey, UserId, Deserialize(CompletedStages), CreatedTs, ExpiresTs);
    }
}
