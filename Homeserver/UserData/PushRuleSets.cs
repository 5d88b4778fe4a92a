using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Storage.UserData;

namespace Homeserver.UserData;

/// <summary>A user's push ruleset: the server-default rules with the user's changes to them applied.</summary>
public sealed class PushRuleSets(IPushRuleOverrideStore overrides)
{
    /// <summary>The <c>global</c> ruleset of the user.</summary>
    public async Task<JsonObject> GetGlobalAsync(string userId, CancellationToken cancellationToken)
    {
        var ruleset = DefaultPushRules.For(userId);
        foreach (var change in await overrides.GetForUserAsync(userId, cancellationToken))
            Apply(ruleset, change);
        return ruleset;
    }

    private static void Apply(JsonObject ruleset, PushRuleOverride change)
    {
        var rule = (ruleset[change.Kind] as JsonArray)?
            .OfType<JsonObject>()
            .FirstOrDefault(r => r["rule_id"]?.GetValue<string>() == change.RuleId);
        // Overrides of rules this server no longer ships are kept in storage but have nothing to apply to.
        if (rule is null) return;
        if (change.Enabled is { } enabled)
            rule["enabled"] = enabled;
        if (change.ActionsJson is { } actions && ParseArray(actions) is { } parsed)
            rule["actions"] = parsed;
    }

    private static JsonArray? ParseArray(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
