using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.UserData;

namespace Homeserver.Push;

/// <summary>A user-defined rule's body after validation: conditions (override/underride), pattern (content) and actions.</summary>
public sealed record PushRuleBody(JsonArray? Conditions, string? Pattern, JsonArray Actions);

/// <summary>
/// Checks what clients send to the push rules API (untrusted input): kinds, rule ids, rule bodies and
/// actions. Every problem is a 400 with a clear message; nothing here touches storage.
/// </summary>
public static class PushRuleInput
{
    /// <summary>Longest rule id accepted, in UTF-8 bytes (room and user ids fit).</summary>
    public const int MaxRuleIdBytes = 255;

    /// <summary>Most conditions one rule may hold.</summary>
    public const int MaxConditions = 20;

    /// <summary>Most actions one rule may hold.</summary>
    public const int MaxActions = 20;

    public static void CheckKind(string kind)
    {
        if (!PushRuleKinds.InPriorityOrder.Contains(kind))
            throw MatrixException.InvalidParam($"Unknown push rule kind '{kind}'.");
    }

    /// <summary>Whether the rule id names a server-default rule (they all start with a dot).</summary>
    public static bool IsServerDefault(string ruleId) => ruleId.StartsWith('.');

    /// <summary>The id of a new or replaced user-defined rule of the kind.</summary>
    public static void CheckUserRuleId(string kind, string ruleId)
    {
        if (ruleId.Length == 0)
            throw MatrixException.InvalidParam("The rule id is empty.");
        if (IsServerDefault(ruleId))
            throw MatrixException.InvalidParam("Rule ids starting with '.' are reserved for server-default rules.");
        if (ruleId.Contains('/') || ruleId.Contains('\\'))
            throw MatrixException.InvalidParam("Rule ids may not contain '/' or '\\'.");
        if (Encoding.UTF8.GetByteCount(ruleId) > MaxRuleIdBytes)
            throw MatrixException.InvalidParam($"Rule ids may be at most {MaxRuleIdBytes} bytes.");
        if (kind == PushRuleKinds.Room && !RoomId.IsValid(ruleId))
            throw MatrixException.InvalidParam("The rule id of a room rule must be a room id.");
        if (kind == PushRuleKinds.Sender && !UserId.IsValid(ruleId))
            throw MatrixException.InvalidParam("The rule id of a sender rule must be a user id.");
    }

    /// <summary>The body of <c>PUT /pushrules/global/{kind}/{ruleId}</c>.</summary>
    public static PushRuleBody ReadBody(string kind, JsonObject body)
    {
        var actions = ReadActions(body);
        string? pattern = null;
        JsonArray? conditions = null;
        if (kind == PushRuleKinds.Content)
        {
            if (!body.ContainsKey("pattern"))
                throw MatrixException.MissingParam("Content rules need a 'pattern'.");
            pattern = body["pattern"] is JsonValue p && p.TryGetValue<string>(out var text) && text.Length > 0
                ? text
                : throw MatrixException.BadJson("'pattern' must be a non-empty string.");
        }
        if (kind is PushRuleKinds.Override or PushRuleKinds.Underride && body["conditions"] is { } node)
        {
            if (node is not JsonArray array)
                throw MatrixException.BadJson("'conditions' must be an array.");
            if (array.Count > MaxConditions)
                throw MatrixException.InvalidParam($"A rule may have at most {MaxConditions} conditions.");
            foreach (var condition in array)
                CheckCondition(condition);
            conditions = (JsonArray)array.DeepClone();
        }
        return new PushRuleBody(conditions, pattern, actions);
    }

    /// <summary>The <c>actions</c> member of a body: required, an array of known actions; historical ones are dropped.</summary>
    public static JsonArray ReadActions(JsonObject body)
    {
        if (!body.ContainsKey("actions"))
            throw MatrixException.MissingParam("'actions' is required.");
        if (body["actions"] is not JsonArray actions)
            throw MatrixException.BadJson("'actions' must be an array.");
        if (actions.Count > MaxActions)
            throw MatrixException.InvalidParam($"A rule may have at most {MaxActions} actions.");
        var kept = new JsonArray();
        foreach (var action in actions)
        {
            switch (action)
            {
                case JsonValue v when v.TryGetValue<string>(out var name):
                    if (PushActions.HistoricalActions.Contains(name)) continue;
                    if (name != PushActions.NotifyAction)
                        throw MatrixException.InvalidParam($"Unknown action '{name}'.");
                    break;
                case JsonObject obj when obj[PushActions.SetTweak] is JsonValue t && t.TryGetValue<string>(out var tweak) && tweak.Length > 0:
                    if (tweak == "highlight" && obj["value"] is { } h && !(h is JsonValue hv && hv.TryGetValue<bool>(out _)))
                        throw MatrixException.InvalidParam("The highlight tweak's value must be a boolean.");
                    break;
                default:
                    throw MatrixException.InvalidParam("An action must be \"notify\" or a {\"set_tweak\": ...} object.");
            }
            kept.Add(action!.DeepClone());
        }
        return kept;
    }

    private static void CheckCondition(JsonNode? node)
    {
        if (node is not JsonObject condition || condition["kind"] is not JsonValue k || !k.TryGetValue<string>(out var kind))
            throw MatrixException.BadJson("Each condition must be an object with a string 'kind'.");
        switch (kind)
        {
            case PushConditions.EventMatch:
                RequireString(condition, "key");
                RequireString(condition, "pattern");
                break;
            case PushConditions.EventPropertyIs or PushConditions.EventPropertyContains:
                RequireString(condition, "key");
                if (!condition.TryGetPropertyValue("value", out var value))
                    throw MatrixException.MissingParam($"A {kind} condition needs a 'value'.");
                if (!PushConditions.IsSimple(value))
                    throw MatrixException.InvalidParam("'value' must be a string, an integer within ±(2^53-1), a boolean or null.");
                break;
            case PushConditions.RoomMemberCount:
                if (!PushConditions.IsValidMemberCount(RequireString(condition, "is")))
                    throw MatrixException.InvalidParam("'is' must be a decimal integer, optionally prefixed by ==, <, >, <= or >=.");
                break;
            case PushConditions.SenderNotificationPermission:
                RequireString(condition, "key");
                break;
            // contains_display_name has no parameters; unknown kinds are stored and never match, as the spec says.
        }
    }

    private static string RequireString(JsonObject condition, string key)
    {
        if (!condition.ContainsKey(key))
            throw MatrixException.MissingParam($"A {condition["kind"]} condition needs '{key}'.");
        return condition[key] is JsonValue v && v.TryGetValue<string>(out var text)
            ? text
            : throw MatrixException.BadJson($"'{key}' of a condition must be a string.");
    }
}
