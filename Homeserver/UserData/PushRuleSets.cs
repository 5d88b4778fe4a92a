using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Push;
using Homeserver.Storage.Push;
using Homeserver.Storage.UserData;

namespace Homeserver.UserData;

/// <summary>
/// A user's push ruleset: the user's own rules ahead of the server-default rules of each kind (except
/// <c>.m.rule.master</c>, which stays first), with the user's changes to the defaults applied. Changes
/// go through here so the <c>m.push_rules</c> account data follows them (clients see it in sync).
/// </summary>
public sealed class PushRuleSets(IPushRuleOverrideStore overrides, IPushRuleStore userRules, IAccountDataStore accountData, TimeProvider time)
{
    private const string MasterRuleId = ".m.rule.master";

    /// <summary>
    /// How long evaluation reuses a user's rules. Changes made through this node take effect at once; the limit
    /// bounds how long a change made through another node sharing the database goes unseen.
    /// </summary>
    public static readonly TimeSpan EvaluationCacheLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Users whose rules are kept at most; the cache starts over beyond that.</summary>
    private const int EvaluationCacheUsers = 100_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (CompiledPushRuleSet Rules, DateTimeOffset Until)> _evaluationCache =
        new(StringComparer.Ordinal);

    /// <summary>Rule changes made through this instance; a ruleset read while one happened is not cached (it may be stale).</summary>
    private long _changes;

    /// <summary>The <c>global</c> ruleset of the user.</summary>
    public async Task<JsonObject> GetGlobalAsync(string userId, CancellationToken cancellationToken)
    {
        var ruleset = DefaultPushRules.For(userId);
        foreach (var change in await overrides.GetForUserAsync(userId, cancellationToken))
            Apply(ruleset, change);
        foreach (var group in (await userRules.GetForUserAsync(userId, cancellationToken)).GroupBy(r => r.Kind, StringComparer.Ordinal))
        {
            if (ruleset[group.Key] is not JsonArray rules) continue;
            var at = rules.Count > 0 && rules[0]?["rule_id"]?.GetValue<string>() == MasterRuleId ? 1 : 0;
            foreach (var rule in group.OrderBy(r => r.Priority))
                rules.Insert(at++, ToJson(rule));
        }
        return ruleset;
    }

    /// <summary>
    /// The user's ruleset compiled for evaluation (cached: every event asks for every member's; a change through
    /// this class drops the user's entry at once).
    /// </summary>
    /// <remarks>A cached ruleset is returned without an allocation: evaluation asks once per member and event.</remarks>
    public ValueTask<CompiledPushRuleSet> GetCompiledAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return _evaluationCache.TryGetValue(userId, out var cached) && cached.Until > now
            ? ValueTask.FromResult(cached.Rules)
            : new ValueTask<CompiledPushRuleSet>(CompileAsync(userId, now, cancellationToken));
    }

    private async Task<CompiledPushRuleSet> CompileAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changesBefore = Interlocked.Read(ref _changes);
        var rules = CompiledPushRuleSet.Compile(PushRule.InEvaluationOrder(await GetGlobalAsync(userId, cancellationToken)));
        if (_evaluationCache.Count >= EvaluationCacheUsers)
            _evaluationCache.Clear();
        if (Interlocked.Read(ref _changes) == changesBefore)
            _evaluationCache[userId] = (rules, now + EvaluationCacheLifetime);
        return rules;
    }

    /// <summary>One rule of the ruleset; 404 <c>M_NOT_FOUND</c> when there is none.</summary>
    public async Task<JsonObject> GetRuleAsync(string userId, string kind, string ruleId, CancellationToken cancellationToken)
    {
        PushRuleInput.CheckKind(kind);
        return Find(await GetGlobalAsync(userId, cancellationToken), kind, ruleId) ?? throw NotFound();
    }

    /// <summary>Creates or replaces a user-defined rule; 400 when the placement names no user-defined rule of the kind.</summary>
    public async Task PutAsync(string userId, string kind, string ruleId, PushRuleBody body, PushRulePlacement placement,
        CancellationToken cancellationToken)
    {
        foreach (var relative in new[] { placement.Before, placement.After })
            if (relative is not null && PushRuleInput.IsServerDefault(relative))
                throw MatrixException.InvalidParam("Rules cannot be placed relative to a server-default rule.");
        var result = await userRules.UpsertAsync(userId, kind, ruleId, body.Conditions?.ToJsonString(), body.Pattern, body.Actions.ToJsonString(),
            placement, cancellationToken);
        if (result == PushRuleWriteResult.RelativeRuleNotFound)
            throw new MatrixException(400, ErrorCodes.Unknown, $"before/after rule not found: {placement.Before ?? placement.After}");
        await PublishAsync(userId, cancellationToken);
    }

    /// <summary>Deletes a user-defined rule; server-default rules cannot be deleted.</summary>
    public async Task DeleteAsync(string userId, string kind, string ruleId, CancellationToken cancellationToken)
    {
        PushRuleInput.CheckKind(kind);
        if (PushRuleInput.IsServerDefault(ruleId))
        {
            if (Find(DefaultPushRules.For(userId), kind, ruleId) is null) throw NotFound();
            throw MatrixException.InvalidParam("Server-default rules cannot be deleted; disable them instead.");
        }
        if (!await userRules.DeleteAsync(userId, kind, ruleId, cancellationToken))
            throw NotFound();
        await PublishAsync(userId, cancellationToken);
    }

    public async Task SetEnabledAsync(string userId, string kind, string ruleId, bool enabled, CancellationToken cancellationToken)
    {
        PushRuleInput.CheckKind(kind);
        if (PushRuleInput.IsServerDefault(ruleId))
        {
            if (Find(DefaultPushRules.For(userId), kind, ruleId) is null) throw NotFound();
            await overrides.SetEnabledAsync(userId, kind, ruleId, enabled, cancellationToken);
        }
        else if (!await userRules.SetEnabledAsync(userId, kind, ruleId, enabled, cancellationToken))
        {
            throw NotFound();
        }
        await PublishAsync(userId, cancellationToken);
    }

    public async Task SetActionsAsync(string userId, string kind, string ruleId, JsonArray actions, CancellationToken cancellationToken)
    {
        PushRuleInput.CheckKind(kind);
        if (PushRuleInput.IsServerDefault(ruleId))
        {
            if (Find(DefaultPushRules.For(userId), kind, ruleId) is null) throw NotFound();
            await overrides.SetActionsAsync(userId, kind, ruleId, actions.ToJsonString(), cancellationToken);
        }
        else if (!await userRules.SetActionsAsync(userId, kind, ruleId, actions.ToJsonString(), cancellationToken))
        {
            throw NotFound();
        }
        await PublishAsync(userId, cancellationToken);
    }

    /// <summary>Clients learn of changes from the <c>m.push_rules</c> account data event in sync.</summary>
    private async Task PublishAsync(string userId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _changes);
        _evaluationCache.TryRemove(userId, out _);
        var content = new JsonObject { ["global"] = await GetGlobalAsync(userId, cancellationToken) };
        await accountData.SetAsync(userId, IAccountDataStore.GlobalRoomId, AccountDataTypes.PushRules, content.ToJsonString(), cancellationToken);
    }

    private static MatrixException NotFound() => MatrixException.NotFound("The push rule was not found.");

    private static JsonObject? Find(JsonObject ruleset, string kind, string ruleId) =>
        (ruleset[kind] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(r => r["rule_id"]?.GetValue<string>() == ruleId);

    private static JsonObject ToJson(StoredPushRule rule)
    {
        var json = new JsonObject
        {
            ["rule_id"] = rule.RuleId,
            ["default"] = false,
            ["enabled"] = rule.Enabled,
            ["actions"] = ParseArray(rule.ActionsJson) ?? [],
        };
        if (rule.ConditionsJson is { } conditions && ParseArray(conditions) is { } parsed)
            json["conditions"] = parsed;
        if (rule.Pattern is { } pattern)
            json["pattern"] = pattern;
        return json;
    }

    private static void Apply(JsonObject ruleset, PushRuleOverride change)
    {
        // Overrides of rules this server no longer ships are kept in storage but have nothing to apply to.
        if (Find(ruleset, change.Kind, change.RuleId) is not { } rule) return;
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
