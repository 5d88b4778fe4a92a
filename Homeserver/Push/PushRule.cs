using System.Text.Json.Nodes;
using Homeserver.UserData;

namespace Homeserver.Push;

/// <summary>One push rule of a kind (<see cref="PushRuleKinds"/>), as the ruleset JSON holds it.</summary>
/// <param name="Conditions">For override and underride rules; null when the rule has none (it always matches).</param>
/// <param name="Pattern">For content rules.</param>
public sealed record PushRule(string Kind, string RuleId, bool Default, bool Enabled, JsonArray? Conditions, string? Pattern, JsonArray Actions)
{
    /// <summary>A rule of a ruleset's JSON; null for an entry that is not a rule object.</summary>
    public static PushRule? FromJson(string kind, JsonNode? node)
    {
        if (node is not JsonObject rule || Text(rule, "rule_id") is not { } ruleId)
            return null;
        return new PushRule(kind, ruleId, Flag(rule, "default"), Flag(rule, "enabled"), rule["conditions"] as JsonArray,
            Text(rule, "pattern"), rule["actions"] as JsonArray ?? []);
    }

    /// <summary>The rules of a ruleset (<c>{override: [...], content: [...], ...}</c>) in the order they are tried.</summary>
    public static IReadOnlyList<PushRule> InEvaluationOrder(JsonObject ruleset) =>
        [.. PushRuleKinds.InPriorityOrder.SelectMany(kind =>
            (ruleset[kind] as JsonArray ?? []).Select(node => FromJson(kind, node)).OfType<PushRule>())];

    private static string? Text(JsonObject obj, string key) => obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Flag(JsonObject obj, string key) => obj[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
