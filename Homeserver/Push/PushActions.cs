using System.Text.Json.Nodes;

namespace Homeserver.Push;

/// <summary>
/// What a matched rule asks for: whether to notify, the tweaks to send (with <c>highlight</c> read as the
/// spec defines it), and the actions themselves without the historical <c>dont_notify</c>/<c>coalesce</c>.
/// Unknown actions are kept in <see cref="Actions"/> but do nothing.
/// </summary>
public sealed record PushActions(bool Notify, bool Highlight, JsonObject Tweaks, JsonArray Actions)
{
    /// <summary><see cref="Actions"/> as JSON text, as notification records store them.</summary>
    public string ActionsJson { get; } = Actions.ToJsonString();

    public const string NotifyAction = "notify";
    public const string SetTweak = "set_tweak";

    /// <summary>Actions older spec versions defined; they must be ignored.</summary>
    public static readonly IReadOnlySet<string> HistoricalActions = new HashSet<string>(["dont_notify", "coalesce"], StringComparer.Ordinal);

    public static PushActions From(JsonArray actions)
    {
        var notify = false;
        var tweaks = new JsonObject();
        var kept = new JsonArray();
        foreach (var action in actions)
        {
            if (action is JsonValue v && v.TryGetValue<string>(out var name))
            {
                if (HistoricalActions.Contains(name)) continue;
                if (name == NotifyAction) notify = true;
            }
            else if (action is JsonObject obj && obj[SetTweak] is JsonValue t && t.TryGetValue<string>(out var tweak))
            {
                // A highlight tweak without a value means true; other tweaks pass through as given.
                if (obj.TryGetPropertyValue("value", out var value))
                    tweaks[tweak] = value?.DeepClone();
                else if (tweak == "highlight")
                    tweaks[tweak] = true;
            }
            kept.Add(action?.DeepClone());
        }
        var highlight = tweaks["highlight"] is JsonValue h && h.TryGetValue<bool>(out var on) && on;
        return new PushActions(notify, highlight, tweaks, kept);
    }
}
