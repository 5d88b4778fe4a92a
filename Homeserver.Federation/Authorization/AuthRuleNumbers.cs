using System.Runtime.CompilerServices;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// The numbers of the authorization rules as the room version's specification numbers them, so a
/// rejection can name its rule. The numbering shifts between versions (the aliases rule goes in
/// v6, v8 inserts the <c>join_authorised_via_users_server</c> rule, v10 and v12 insert power level
/// rules, v12 inserts the room id rule); it is derived from the version's flags.
/// </summary>
public sealed class AuthRuleNumbers
{
    private static readonly ConditionalWeakTable<RoomVersionRules, AuthRuleNumbers> Cache = new();

    private AuthRuleNumbers(RoomVersionRules rules)
    {
        var top = 1;
        Create = $"{top++}";
        RoomIdIsCreateEvent = rules.RoomIdIsCreateEventHash ? $"{top++}" : "";
        AuthEvents = $"{top++}";
        Federate = $"{top++}";
        Aliases = rules.SpecialCaseAliasesAuth ? $"{top++}" : "";
        Member = $"{top++}";
        SenderJoined = $"{top++}";
        ThirdPartyInvite = $"{top++}";
        RequiredPowerLevel = $"{top++}";
        StateKeyUserId = $"{top++}";
        PowerLevels = $"{top++}";
        Redaction = rules.RedactionAuthChecksEventIdDomain ? $"{top++}" : "";

        var member = 1;
        MemberFields = $"{Member}.{member++}";
        JoinAuthorisedVia = rules.RestrictedJoinsAllowed ? $"{Member}.{member++}" : "";
        Join = $"{Member}.{member++}";
        Invite = $"{Member}.{member++}";
        Leave = $"{Member}.{member++}";
        Ban = $"{Member}.{member++}";
        Knock = rules.KnockingAllowed ? $"{Member}.{member++}" : "";
        UnknownMembership = $"{Member}.{member}";

        var join = 4;
        JoinInvite = $"{Join}.{join++}";
        JoinRestricted = rules.RestrictedJoinsAllowed ? $"{Join}.{join++}" : "";
        JoinOtherwise = $"{Join}.{join + 1}";

        var pl = 1;
        PowerLevelsTopLevelIntegers = rules.IntegerOnlyPowerLevels ? $"{PowerLevels}.{pl++}" : "";
        PowerLevelsMapsIntegers = rules.IntegerOnlyPowerLevels ? $"{PowerLevels}.{pl++}" : "";
        PowerLevelsUsers = $"{PowerLevels}.{pl++}";
        PowerLevelsCreators = rules.CreatorsHaveInfinitePower ? $"{PowerLevels}.{pl++}" : "";
        pl++; // "no previous power levels event: allow"
        PowerLevelsTopLevelChanges = $"{PowerLevels}.{pl++}";
        PowerLevelsMapEntriesChangedOrRemoved = $"{PowerLevels}.{pl++}";
        PowerLevelsMapEntriesAddedOrChanged = $"{PowerLevels}.{pl++}";
        PowerLevelsUsersChangedOrRemoved = $"{PowerLevels}.{pl++}";
        PowerLevelsUsersAddedOrChanged = $"{PowerLevels}.{pl}";
    }

    public static AuthRuleNumbers For(RoomVersion version) => Cache.GetValue(version.Rules, r => new AuthRuleNumbers(r));

    public string Create { get; }
    /// <summary>v12: the room id must be the create event's id. Empty in other versions.</summary>
    public string RoomIdIsCreateEvent { get; }
    public string AuthEvents { get; }
    public string Federate { get; }
    /// <summary>v1–v5 only; empty otherwise.</summary>
    public string Aliases { get; }
    public string Member { get; }
    public string SenderJoined { get; }
    public string ThirdPartyInvite { get; }
    public string RequiredPowerLevel { get; }
    public string StateKeyUserId { get; }
    public string PowerLevels { get; }
    /// <summary>v1–v2 only; empty otherwise.</summary>
    public string Redaction { get; }

    public string MemberFields { get; }
    /// <summary>v8+; empty before.</summary>
    public string JoinAuthorisedVia { get; }
    public string Join { get; }
    public string Invite { get; }
    public string Leave { get; }
    public string Ban { get; }
    /// <summary>v7+; empty before.</summary>
    public string Knock { get; }
    public string UnknownMembership { get; }

    public string JoinInvite { get; }
    /// <summary>v8+; empty before.</summary>
    public string JoinRestricted { get; }
    public string JoinOtherwise { get; }

    /// <summary>v10+; empty before.</summary>
    public string PowerLevelsTopLevelIntegers { get; }
    /// <summary>v10+; empty before.</summary>
    public string PowerLevelsMapsIntegers { get; }
    public string PowerLevelsUsers { get; }
    /// <summary>v12; empty before.</summary>
    public string PowerLevelsCreators { get; }
    public string PowerLevelsTopLevelChanges { get; }
    public string PowerLevelsMapEntriesChangedOrRemoved { get; }
    public string PowerLevelsMapEntriesAddedOrChanged { get; }
    public string PowerLevelsUsersChangedOrRemoved { get; }
    public string PowerLevelsUsersAddedOrChanged { get; }
}
