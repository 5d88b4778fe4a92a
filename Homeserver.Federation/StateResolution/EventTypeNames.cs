namespace Homeserver.Federation.StateResolution;

/// <summary>The event types that state resolution treats specially.</summary>
internal static class EventTypeNames
{
    public const string Create = "m.room.create";
    public const string PowerLevels = "m.room.power_levels";
    public const string JoinRules = "m.room.join_rules";
    public const string Member = "m.room.member";
    public const string ThirdPartyInvite = "m.room.third_party_invite";
}
