using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.UserData;

/// <summary>The push_rule_overrides table: one method per statement, the same SQL on both backends.</summary>
public sealed class PushRuleOverrideStore(IDatabase database) : IPushRuleOverrideStore
{
    private const string SelectForUserSql = """
        SELECT kind AS Kind, rule_id AS RuleId, enabled AS Enabled, actions AS ActionsJson
        FROM push_rule_overrides
        WHERE user_id = @UserId
        ORDER BY kind, rule_id
        """;

    private const string UpsertEnabledSql = """
        INSERT INTO push_rule_overrides (user_id, kind, rule_id, enabled, actions) VALUES (@UserId, @Kind, @RuleId, @Enabled, NULL)
        ON CONFLICT (user_id, kind, rule_id) DO UPDATE SET enabled = excluded.enabled
        """;

    private const string UpsertActionsSql = """
        INSERT INTO push_rule_overrides (user_id, kind, rule_id, enabled, actions) VALUES (@UserId, @Kind, @RuleId, NULL, @Actions)
        ON CONFLICT (user_id, kind, rule_id) DO UPDATE SET actions = excluded.actions
        """;

    public async Task<IReadOnlyList<PushRuleOverride>> GetForUserAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OverrideRow>(
            new CommandDefinition(SelectForUserSql, new { UserId = userId }, cancellationToken: cancellationToken));
        return rows.Select(r => new PushRuleOverride(r.Kind, r.RuleId, r.Enabled, r.ActionsJson)).ToList();
    }

    public Task SetEnabledAsync(string userId, string kind, string ruleId, bool enabled, CancellationToken cancellationToken)
    {
        CheckKey(userId, kind, ruleId);
        return database.ExecuteInTransactionAsync(UpsertEnabledSql, new { UserId = userId, Kind = kind, RuleId = ruleId, Enabled = enabled }, cancellationToken);
    }

    public Task SetActionsAsync(string userId, string kind, string ruleId, string actionsJson, CancellationToken cancellationToken)
    {
        CheckKey(userId, kind, ruleId);
        ArgumentException.ThrowIfNullOrEmpty(actionsJson);
        return database.ExecuteInTransactionAsync(UpsertActionsSql, new { UserId = userId, Kind = kind, RuleId = ruleId, Actions = actionsJson }, cancellationToken);
    }

    private static void CheckKey(string userId, string kind, string ruleId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
    }

    /// <summary>Dapper target: the property setter converts SQLite's integer enabled to bool.</summary>
    private sealed class OverrideRow
    {
        public string Kind { get; init; } = "";
        public string RuleId { get; init; } = "";
        public bool? Enabled { get; init; }
        public string? ActionsJson { get; init; }
    }
}
