namespace Homeserver.Federation.RoomVersions;

/// <summary>A stable room version: its identifier and its rules.</summary>
public sealed record RoomVersion(string Id, RoomVersionRules Rules)
{
    public static readonly RoomVersion V1 = new("1", new RoomVersionRules
    {
        EventIdFormat = EventIdFormat.Opaque,
        EventReferencesAreHashPairs = true,
        StateResolution = StateResolutionAlgorithm.V1,
        RedactionKeepsAliasesContent = true,
        RedactionKeepsOriginMembershipPrevState = true,
        SpecialCaseAliasesAuth = true,
        RedactionAuthChecksEventIdDomain = true,
    });

    public static readonly RoomVersion V2 = V1.Next("2", r => r with { StateResolution = StateResolutionAlgorithm.V2 });

    public static readonly RoomVersion V3 = V2.Next("3", r => r with
    {
        EventIdFormat = EventIdFormat.Base64ReferenceHash,
        EventReferencesAreHashPairs = false,
        RedactionAuthChecksEventIdDomain = false,
    });

    public static readonly RoomVersion V4 = V3.Next("4", r => r with { EventIdFormat = EventIdFormat.UrlSafeBase64ReferenceHash });

    public static readonly RoomVersion V5 = V4.Next("5", r => r with { EnforceSigningKeyValidity = true });

    public static readonly RoomVersion V6 = V5.Next("6", r => r with
    {
        StrictCanonicalJson = true,
        RedactionKeepsAliasesContent = false,
        SpecialCaseAliasesAuth = false,
        LimitNotificationsPowerLevels = true,
    });

    public static readonly RoomVersion V7 = V6.Next("7", r => r with { KnockingAllowed = true });

    public static readonly RoomVersion V8 = V7.Next("8", r => r with
    {
        RestrictedJoinsAllowed = true,
        RedactionKeepsJoinRulesAllow = true,
    });

    public static readonly RoomVersion V9 = V8.Next("9", r => r with { RedactionKeepsJoinAuthorisedVia = true });

    public static readonly RoomVersion V10 = V9.Next("10", r => r with
    {
        KnockRestrictedAllowed = true,
        IntegerOnlyPowerLevels = true,
    });

    public static readonly RoomVersion V11 = V10.Next("11", r => r with
    {
        RedactionKeepsOriginMembershipPrevState = false,
        RedactionKeepsAllCreateContent = true,
        RedactionKeepsPowerLevelsInvite = true,
        RedactionKeepsRedactsContent = true,
        RedactionKeepsThirdPartyInviteSigned = true,
        CreatorIsCreateEventSender = true,
        RedactsInContent = true,
    });

    public static readonly RoomVersion V12 = V11.Next("12", r => r with
    {
        RoomIdIsCreateEventHash = true,
        CreatorsHaveInfinitePower = true,
        CreateEventInAuthEvents = false,
        StateResolution = StateResolutionAlgorithm.V2_1,
    });

    private RoomVersion Next(string id, Func<RoomVersionRules, RoomVersionRules> change) => new(id, change(Rules));
}
