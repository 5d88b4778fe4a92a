using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// Power events: those that might remove someone's ability to act in the room. Power levels and
/// join rules, and membership events that kick or ban someone other than the sender.
/// </summary>
public static class PowerEvents
{
    public static bool IsPowerEvent(Pdu ev)
    {
        if (ev.StateKey is null) return false;
        if (ev.StateKey == "" && ev.Type is EventTypeNames.PowerLevels or EventTypeNames.JoinRules) return true;
        return ev.Type == EventTypeNames.Member
            && Membership(ev) is "leave" or "ban"
            && ev.Sender != ev.StateKey;
    }

    /// <summary>The <c>membership</c> of a member event's content, or null when it is not a string.</summary>
    public static string? Membership(Pdu ev) =>
        ev.Content["membership"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
