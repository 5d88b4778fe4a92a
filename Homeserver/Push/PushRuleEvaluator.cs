using Homeserver.UserData;

namespace Homeserver.Push;

/// <summary>
/// Finds the first enabled rule that matches an event and returns its actions (null when none matches:
/// no notification). Pure: the caller gathers the <see cref="PushEvaluationContext"/>.
/// </summary>
public static class PushRuleEvaluator
{
    public static PushActions? Evaluate(IEnumerable<PushRule> rulesInOrder, PushEvaluationContext context)
    {
        foreach (var rule in rulesInOrder)
            if (rule.Enabled && Matches(rule, context))
                return PushActions.From(rule.Actions);
        return null;
    }

    /// <summary>Whether the rule's conditions hold (its kind's predefined ones for content, room and sender rules).</summary>
    public static bool Matches(PushRule rule, PushEvaluationContext context) => rule.Kind switch
    {
        PushRuleKinds.Override or PushRuleKinds.Underride => rule.Conditions is null || rule.Conditions.All(c => PushConditions.Matches(c, context)),
        PushRuleKinds.Content => rule.Pattern is { } pattern && context.Body is { } body && new GlobPattern(pattern).MatchesWords(body),
        PushRuleKinds.Room => context.RoomId == rule.RuleId,
        PushRuleKinds.Sender => context.Sender == rule.RuleId,
        _ => false,
    };
}
