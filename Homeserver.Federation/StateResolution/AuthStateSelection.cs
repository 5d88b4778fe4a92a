using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// The state keys the authorization rules consult for an event (the spec's selection of auth
/// events): the create event, the power levels, the sender's membership and, for membership
/// events, the target's membership, the join rules, a third-party invite and the authorising user.
/// The create event is included for every room version: in v12 it is not among the auth events
/// but the auth rules still read it.
/// </summary>
public static class AuthStateSelection
{
    public static List<TypeStateKey> KeysFor(Pdu ev)
    {
        if (ev is { Type: EventTypeNames.Create, StateKey: "" }) return [];
        var keys = new List<TypeStateKey>(6)
        {
            new(EventTypeNames.Create, ""),
            new(EventTypeNames.PowerLevels, ""),
            new(EventTypeNames.Member, ev.Sender),
        };
        if (ev.Type != EventTypeNames.Member || ev.StateKey is null) return keys;

        keys.Add(new(EventTypeNames.Member, ev.StateKey));
        var membership = PowerEvents.Membership(ev);
        var rules = ev.RoomVersion.Rules;
        if (membership is "join" or "invite" || (membership == "knock" && rules.KnockingAllowed))
            keys.Add(new(EventTypeNames.JoinRules, ""));
        if (membership == "invite"
            && ev.Content["third_party_invite"] is JsonObject thirdParty
            && thirdParty["signed"] is JsonObject signed
            && ReadString(signed["token"]) is { } token)
            keys.Add(new(EventTypeNames.ThirdPartyInvite, token));
        if (membership == "join" && rules.RestrictedJoinsAllowed
            && ReadString(ev.Content["join_authorised_via_users_server"]) is { } authoriser)
            keys.Add(new(EventTypeNames.Member, authoriser));
        return keys;
    }

    private static string? ReadString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
