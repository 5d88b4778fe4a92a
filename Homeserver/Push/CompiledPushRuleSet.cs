using Homeserver.UserData;

namespace Homeserver.Push;

/// <summary>
/// A user's ruleset read once into matchers, in evaluation order, with each rule's actions already interpreted:
/// evaluating it for an event finds the first enabled rule that matches and returns its actions (null when none
/// matches: no notification). Immutable and shared; the per-event work lives in <see cref="PushEvent"/>.
/// </summary>
public sealed class CompiledPushRuleSet
{
    private readonly CompiledRule[] _rules;

    private CompiledPushRuleSet(CompiledRule[] rules) => _rules = rules;

    public static CompiledPushRuleSet Compile(IEnumerable<PushRule> rulesInOrder) =>
        new([.. rulesInOrder.Where(r => r.Enabled).Select(CompiledRule.From)]);

    /// <summary>The actions of the first matching rule for the member with this display name in the room; null when none matches.</summary>
    public PushActions? Evaluate(PushEvent ev, string? displayName)
    {
        ArgumentNullException.ThrowIfNull(ev);
        foreach (var rule in _rules)
            if (rule.Matches(ev, displayName))
                return rule.Actions;
        return null;
    }

    private enum Kind
    {
        Conditions,
        Room,
        Sender,
        Never,
    }

    /// <summary>
    /// One enabled rule: override and underride rules by their conditions (none: always), content rules by their
    /// pattern on <c>content.body</c>, room and sender rules by their id.
    /// </summary>
    private sealed record CompiledRule(Kind Kind, string RuleId, PushConditionMatcher[] Conditions, PushActions Actions)
    {
        public static CompiledRule From(PushRule rule)
        {
            var actions = PushActions.From(rule.Actions);
            return rule.Kind switch
            {
                PushRuleKinds.Override or PushRuleKinds.Underride =>
                    new CompiledRule(Kind.Conditions, rule.RuleId, [.. (rule.Conditions ?? []).Select(PushConditionMatcher.Compile)], actions),
                PushRuleKinds.Content when rule.Pattern is { } pattern =>
                    new CompiledRule(Kind.Conditions, rule.RuleId, [PushConditionMatcher.CompileContentPattern(pattern)], actions),
                PushRuleKinds.Room => new CompiledRule(Kind.Room, rule.RuleId, [], actions),
                PushRuleKinds.Sender => new CompiledRule(Kind.Sender, rule.RuleId, [], actions),
                _ => new CompiledRule(Kind.Never, rule.RuleId, [], actions),
            };
        }

        public bool Matches(PushEvent ev, string? displayName)
        {
            switch (Kind)
            {
                case Kind.Conditions:
                    foreach (var condition in Conditions)
                        if (!condition.Matches(ev, displayName))
                            return false;
                    return true;
                case Kind.Room:
                    return ev.RoomId == RuleId;
                case Kind.Sender:
                    return ev.Sender == RuleId;
                default:
                    return false;
            }
        }
    }
}
