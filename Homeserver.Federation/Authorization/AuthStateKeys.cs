using Homeserver.Federation.Events;

namespace Homeserver.Federation.Authorization;

/// <summary>The state entries the auth rules read, and small readers over an auth state map.</summary>
public static class AuthStateKeys
{
    public const string CreateType = "m.room.create";
    public const string MemberType = "m.room.member";
    public const string PowerLevelsType = "m.room.power_levels";
    public const string JoinRulesType = "m.room.join_rules";
    public const string ThirdPartyInviteType = "m.room.third_party_invite";

    public static readonly TypeStateKey Create = new(CreateType, "");
    public static readonly TypeStateKey PowerLevels = new(PowerLevelsType, "");
    public static readonly TypeStateKey JoinRules = new(JoinRulesType, "");

    public static TypeStateKey Member(string userId) => new(MemberType, userId);
    public static TypeStateKey ThirdPartyInvite(string token) => new(ThirdPartyInviteType, token);
}
