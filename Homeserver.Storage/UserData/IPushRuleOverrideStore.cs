namespace Homeserver.Storage.UserData;

/// <summary>A user's change to one server-default push rule; null fields keep the default.</summary>
/// <param name="ActionsJson">The rule's actions as a JSON array, when the user replaced them.</param>
public sealed record PushRuleOverride(string Kind, string RuleId, bool? Enabled, string? ActionsJson);

/// <summary>Per-user changes to the server-default push rules.</summary>
public interface IPushRuleOverrideStore
{
    Task<IReadOnlyList<PushRuleOverride>> GetForUserAsync(string userId, CancellationToken cancellationToken);

    Task SetEnabledAsync(string userId, string kind, string ruleId, bool enabled, CancellationToken cancellationToken);

    Task SetActionsAsync(string userId, string kind, string ruleId, string actionsJson, CancellationToken cancellationToken);
}
