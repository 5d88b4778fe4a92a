using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Push;

/// <summary>The push_rules table: the same SQL on both backends.</summary>
public sealed class PushRuleStore(IDatabase database) : IPushRuleStore
{
    private const string SelectForUserSql = """
        SELECT kind AS Kind, rule_id AS RuleId, priority AS Priority, enabled AS Enabled, conditions AS ConditionsJson,
               pattern AS Pattern, actions AS ActionsJson
        FROM push_rules
        WHERE user_id = @UserId
        ORDER BY kind, priority
        """;

    private const string SelectIdsOfKindSql = """
        SELECT rule_id FROM push_rules WHERE user_id = @UserId AND kind = @Kind ORDER BY priority
        """;

    private const string InsertSql = """
        INSERT INTO push_rules (user_id, kind, rule_id, priority, enabled, conditions, pattern, actions)
        VALUES (@UserId, @Kind, @RuleId, @Priority, @Enabled, @Conditions, @Pattern, @Actions)
        """;

    private const string UpdateBodySql = """
        UPDATE push_rules SET conditions = @Conditions, pattern = @Pattern, actions = @Actions
        WHERE user_id = @UserId AND kind = @Kind AND rule_id = @RuleId
        """;

    private const string UpdatePrioritySql = """
        UPDATE push_rules SET priority = @Priority WHERE user_id = @UserId AND kind = @Kind AND rule_id = @RuleId
        """;

    private const string DeleteSql = "DELETE FROM push_rules WHERE user_id = @UserId AND kind = @Kind AND rule_id = @RuleId";

    private const string UpdateEnabledSql = """
        UPDATE push_rules SET enabled = @Enabled WHERE user_id = @UserId AND kind = @Kind AND rule_id = @RuleId
        """;

    private const string UpdateActionsSql = """
        UPDATE push_rules SET actions = @Actions WHERE user_id = @UserId AND kind = @Kind AND rule_id = @RuleId
        """;

    public async Task<IReadOnlyList<StoredPushRule>> GetForUserAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RuleRow>(new CommandDefinition(SelectForUserSql, new { UserId = userId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StoredPushRule(r.Kind, r.RuleId, (int)r.Priority, r.Enabled, r.ConditionsJson, r.Pattern, r.ActionsJson))];
    }

    public Task<PushRuleWriteResult> UpsertAsync(string userId, string kind, string ruleId, string? conditionsJson, string? pattern,
        string actionsJson, PushRulePlacement placement, CancellationToken cancellationToken)
    {
        CheckKey(userId, kind, ruleId);
        ArgumentException.ThrowIfNullOrEmpty(actionsJson);
        ArgumentNullException.ThrowIfNull(placement);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var key = new { UserId = userId, Kind = kind, RuleId = ruleId };
            var order = (await connection.QueryAsync<string>(new CommandDefinition(SelectIdsOfKindSql, key, transaction,
                cancellationToken: cancellationToken))).ToList();
            var exists = order.Contains(ruleId);
            var relative = placement.Before ?? placement.After;
            if (relative is not null && (relative == ruleId || !order.Contains(relative)))
                return PushRuleWriteResult.RelativeRuleNotFound;

            var body = new { UserId = userId, Kind = kind, RuleId = ruleId, Conditions = conditionsJson, Pattern = pattern, Actions = actionsJson };
            if (exists)
                await connection.ExecuteAsync(new CommandDefinition(UpdateBodySql, body, transaction, cancellationToken: cancellationToken));
            if (exists && relative is null)
                return PushRuleWriteResult.Written;

            order.Remove(ruleId);
            var index = placement.Before is { } before ? order.IndexOf(before)
                : placement.After is { } after ? order.IndexOf(after) + 1
                : 0;
            order.Insert(index, ruleId);
            if (!exists)
                await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
                {
                    body.UserId, body.Kind, body.RuleId, Priority = index, Enabled = true, body.Conditions, body.Pattern, body.Actions,
                }, transaction, cancellationToken: cancellationToken));
            var priorities = order.Select((id, priority) => new { UserId = userId, Kind = kind, RuleId = id, Priority = priority });
            await connection.ExecuteAsync(new CommandDefinition(UpdatePrioritySql, priorities, transaction, cancellationToken: cancellationToken));
            return PushRuleWriteResult.Written;
        }, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string userId, string kind, string ruleId, CancellationToken cancellationToken)
    {
        CheckKey(userId, kind, ruleId);
        return await database.ExecuteInTransactionAsync(DeleteSql, new { UserId = userId, Kind = kind, RuleId = ruleId }, cancellationToken) > 0;
    }

    public async Task<bool> SetEnabledAsync(string userId, string kind, string ruleId, bool enabled, CancellationToken cancellationToken)
    {
        CheckKey(userId, kind, ruleId);
        return await database.ExecuteInTransactionAsync(UpdateEnabledSql,
            new { UserId = userId, Kind = kind, RuleId = ruleId, Enabled = enabled }, cancellationToken) > 0;
    }

    public async Task<bool> SetActionsAsync(string userId, string kind, string ruleId, string actionsJson, CancellationToken cancellationToken)
    {
        CheckKey(userId, kind, ruleId);
        ArgumentException.ThrowIfNullOrEmpty(actionsJson);
        return await database.ExecuteInTransactionAsync(UpdateActionsSql,
            new { UserId = userId, Kind = kind, RuleId = ruleId, Actions = actionsJson }, cancellationToken) > 0;
    }

    private static void CheckKey(string userId, string kind, string ruleId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
    }

    /// <summary>Dapper target: SQLite returns integers for the boolean and the priority.</summary>
    private sealed class RuleRow
    {
        public string Kind { get; init; } = "";
        public string RuleId { get; init; } = "";
        public long Priority { get; init; }
        public bool Enabled { get; init; }
        public string? ConditionsJson { get; init; }
        public string? Pattern { get; init; }
        public string ActionsJson { get; init; } = "";
    }
}
