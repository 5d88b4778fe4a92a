using System.Text.Json.Nodes;

namespace Homeserver.Federation.Authorization;

/// <summary>The m.room.member rules: join, invite (incl. third-party), leave, ban, knock.</summary>
public sealed partial class EventAuthorizer
{
    private AuthResult CheckMember(RuleContext c)
    {
        var ev = c.Event;
        var n = c.Numbers;
        if (ev.StateKey is null || !ev.Content.ContainsKey("membership"))
            return AuthResult.Reject(n.MemberFields, "a member event needs a state_key and content.membership");

        if (c.Rules.RestrictedJoinsAllowed && ev.Content.TryGetPropertyValue(JoinAuthorisation.ContentKey, out var via)
            && !(via is JsonValue v && v.TryGetValue(out string? viaUser) && UserIdSyntax.IsValid(viaUser)))
            return AuthResult.Reject(n.JoinAuthorisedVia, "join_authorised_via_users_server is not a user ID");

        var membership = ev.Content["membership"] is JsonValue m && m.TryGetValue(out string? value) ? value : null;
        return membership switch
        {
            "join" => CheckJoin(c),
            "invite" => CheckInvite(c),
            "leave" => CheckLeave(c),
            "ban" => CheckBan(c),
            "knock" when c.Rules.KnockingAllowed => CheckKnock(c),
            _ => AuthResult.Reject(n.UnknownMembership, $"unknown membership {ev.Content["membership"]?.ToJsonString()}"),
        };
    }

    private static AuthResult CheckJoin(RuleContext c)
    {
        var ev = c.Event;
        var n = c.Numbers;
        var target = ev.StateKey!;

        if (ev.PrevEvents.Count == 1 && ev.PrevEvents[0] == c.Create.EventId
            && c.Creators.UserIds.Count > 0 && target == c.Creators.UserIds[0])
            return AuthResult.Allow;
        if (ev.Sender != target)
            return AuthResult.Reject(n.Join + ".2", "a user can only join themselves");
        var membership = c.MembershipOf(target);
        if (membership == "ban")
            return AuthResult.Reject(n.Join + ".3", "the sender is banned");

        var joinRule = c.JoinRule;
        if (joinRule == "invite" || (c.Rules.KnockingAllowed && joinRule == "knock"))
            return membership is "invite" or "join"
                ? AuthResult.Allow
                : AuthResult.Reject(n.JoinInvite, $"join rule is {joinRule} and the sender is not invited");

        if (c.Rules.RestrictedJoinsAllowed
            && (joinRule == "restricted" || (c.Rules.KnockRestrictedAllowed && joinRule == "knock_restricted")))
        {
            if (membership is "invite" or "join") return AuthResult.Allow;
            if (!JoinAuthorisation.TryGetAuthorisingUser(ev, out var authoriser))
                return AuthResult.Reject(n.JoinRestricted + ".2", "a restricted join needs join_authorised_via_users_server");
            if (c.MembershipOf(authoriser) != "join")
                return AuthResult.Reject(n.JoinRestricted + ".2", $"authorising user {authoriser} is not joined");
            var level = c.LevelOf(authoriser);
            return level >= c.PowerLevels.Invite
                ? AuthResult.Allow
                : AuthResult.Reject(n.JoinRestricted + ".2", $"authorising user {authoriser} cannot invite (level {level} < {c.PowerLevels.Invite})");
        }

        return joinRule == "public"
            ? AuthResult.Allow
            : AuthResult.Reject(n.JoinOtherwise, $"join rule {joinRule} does not allow joining");
    }

    private AuthResult CheckInvite(RuleContext c)
    {
        var ev = c.Event;
        var n = c.Numbers;
        var target = ev.StateKey!;
        var targetMembership = c.MembershipOf(target);

        if (ev.Content.TryGetPropertyValue("third_party_invite", out var thirdPartyInvite))
            return CheckThirdPartyInvite(c, thirdPartyInvite, targetMembership);

        if (c.MembershipOf(ev.Sender) != "join")
            return AuthResult.Reject(n.Invite + ".2", "the inviter is not joined");
        if (targetMembership is "join" or "ban")
            return AuthResult.Reject(n.Invite + ".3", $"the invitee's membership is {targetMembership}");
        var level = c.LevelOf(ev.Sender);
        return level >= c.PowerLevels.Invite
            ? AuthResult.Allow
            : AuthResult.Reject(n.Invite + ".5", $"inviter's power level {level} is below the invite level {c.PowerLevels.Invite}");
    }

    private AuthResult CheckThirdPartyInvite(RuleContext c, JsonNode? thirdPartyInvite, string? targetMembership)
    {
        var ev = c.Event;
        var rule = c.Numbers.Invite + ".1";
        if (targetMembership == "ban")
            return AuthResult.Reject(rule + ".1", "the invitee is banned");
        if (thirdPartyInvite is not JsonObject tpi || !tpi.TryGetPropertyValue("signed", out var signedNode) || signedNode is null)
            return AuthResult.Reject(rule + ".2", "third_party_invite has no signed object");
        if (signedNode is not JsonObject signed
            || signed["mxid"] is not JsonValue mxidValue || !mxidValue.TryGetValue(out string? mxid)
            || signed["token"] is not JsonValue tokenValue || !tokenValue.TryGetValue(out string? token))
            return AuthResult.Reject(rule + ".3", "signed needs mxid and token");
        if (mxid != ev.StateKey)
            return AuthResult.Reject(rule + ".4", "signed.mxid is not the invitee");
        if (!c.AuthState.TryGetValue(AuthStateKeys.ThirdPartyInvite(token), out var invite))
            return AuthResult.Reject(rule + ".5", "no m.room.third_party_invite matches the token");
        if (invite.Sender != ev.Sender)
            return AuthResult.Reject(rule + ".6", "the sender did not send the m.room.third_party_invite");
        return ThirdPartyInviteSignatures.AnyValid(signed, invite.Content)
            ? AuthResult.Allow
            : AuthResult.Reject(rule + ".8", "no signature in signed matches the invite's public keys");
    }

    private static AuthResult CheckLeave(RuleContext c)
    {
        var ev = c.Event;
        var n = c.Numbers;
        var target = ev.StateKey!;
        var senderMembership = c.MembershipOf(ev.Sender);

        if (ev.Sender == target)
            return senderMembership is "invite" or "join" || (c.Rules.KnockingAllowed && senderMembership == "knock")
                ? AuthResult.Allow
                : AuthResult.Reject(n.Leave + ".1", $"cannot leave with membership {senderMembership ?? "none"}");
        if (senderMembership != "join")
            return AuthResult.Reject(n.Leave + ".2", "the sender is not joined");

        var senderLevel = c.LevelOf(ev.Sender);
        if (c.MembershipOf(target) == "ban" && senderLevel < c.PowerLevels.Ban)
            return AuthResult.Reject(n.Leave + ".3", $"unbanning needs the ban level {c.PowerLevels.Ban}, sender has {senderLevel}");
        var targetLevel = c.LevelOf(target);
        return senderLevel >= c.PowerLevels.Kick && targetLevel < senderLevel
            ? AuthResult.Allow
            : AuthResult.Reject(n.Leave + ".5", $"kicking needs the kick level {c.PowerLevels.Kick} and more power than the target ({senderLevel} vs {targetLevel})");
    }

    private static AuthResult CheckBan(RuleContext c)
    {
        var ev = c.Event;
        var n = c.Numbers;
        if (c.MembershipOf(ev.Sender) != "join")
            return AuthResult.Reject(n.Ban + ".1", "the sender is not joined");
        var senderLevel = c.LevelOf(ev.Sender);
        var targetLevel = c.LevelOf(ev.StateKey!);
        return senderLevel >= c.PowerLevels.Ban && targetLevel < senderLevel
            ? AuthResult.Allow
            : AuthResult.Reject(n.Ban + ".3", $"banning needs the ban level {c.PowerLevels.Ban} and more power than the target ({senderLevel} vs {targetLevel})");
    }

    private static AuthResult CheckKnock(RuleContext c)
    {
        var ev = c.Event;
        var n = c.Numbers;
        var joinRule = c.JoinRule;
        if (joinRule != "knock" && !(c.Rules.KnockRestrictedAllowed && joinRule == "knock_restricted"))
            return AuthResult.Reject(n.Knock + ".1", $"join rule {joinRule} does not allow knocking");
        if (ev.Sender != ev.StateKey)
            return AuthResult.Reject(n.Knock + ".2", "a user can only knock for themselves");
        var membership = c.MembershipOf(ev.Sender);
        return membership is "ban" or "invite" or "join"
            ? AuthResult.Reject(n.Knock + ".4", $"cannot knock with membership {membership}")
            : AuthResult.Allow;
    }
}
