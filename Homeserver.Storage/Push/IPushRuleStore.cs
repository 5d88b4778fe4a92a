namespace Homeserver.Storage.Push;

/// <summary>A user-defined push rule; <see cref="Priority"/> orders the rules of a kind, 0 first.</summary>
/// <param name="ConditionsJson">A JSON array, for override and underride rules.</param>
/// <param name="ActionsJson">A JSON array.</param>
public sealed record StoredPushRule(string Kind, string RuleId, int Priority, bool Enabled, string? ConditionsJson, string? Pattern, string ActionsJson);

/// <summary>Where a rule goes among the user's rules of its kind: before or after another one (by id), or at the top.</summary>
public sealed record PushRulePlacement(string? Before, string? After)
{
    public static readonly PushRulePlacement Default = new(null, null);
}

public enum PushRuleWriteResult
{
    Written,

    /// <summary>The rule named by <see cref="PushRulePlacement"/> is not among the user's rules of the kind.</summary>
    RelativeRuleNotFound,
}

/// <summary>Users' own push rules (server-default rules live in code; changes to them in <c>IPushRuleOverrideStore</c>).</summary>
public interface IPushRuleStore
{
    /// <summary>The user's rules, by kind and then priority.</summary>
    Task<IReadOnlyList<StoredPushRule>> GetForUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the rule (enabled) or replaces its conditions, pattern and actions (keeping whether it is
    /// enabled). A new rule without placement becomes the most important of its kind; an existing one
    /// keeps its place unless a placement is given. <c>Before</c> wins when both are given.
    /// </summary>
    Task<PushRuleWriteResult> UpsertAsync(string userId, string kind, string ruleId, string? conditionsJson, string? pattern, string actionsJson,
        PushRulePlacement placement, CancellationToken cancellationToken);

    /// <summary>False when the user has no such rule.</summary>
    Task<bool> DeleteAsync(string userId, string kind, string ruleId, CancellationToken cancellationToken);

    /// <summary>False when the user has no such rule.</summary>
    Task<bool> SetEnabledAsync(string userId, string kind, string ruleId, bool enabled, CancellationToken cancellationToken);

    /// <summary>False when the user has no such rule.</summary>
    Task<bool> SetActionsAsync(string userId, string kind, string ruleId, string actionsJson, CancellationToken cancellationToken);
}
