using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Authorization;

/// <summary>The verdict of the authorization rules; a rejection names the rule that rejected.</summary>
public sealed record AuthResult(bool Allowed, string? Rule = null, string? Reason = null)
{
    public static readonly AuthResult Allow = new(true);
    public static AuthResult Reject(string rule, string reason) => new(false, rule, reason);
}

/// <summary>
/// Checks one event against the state it is authorised by (the state entries selected for
/// its auth: create, power levels, join rules, members, third-party invites). For v12 the
/// create event is part of <paramref name="authState"/> even though it is not in auth_events.
/// </summary>
public delegate AuthResult AuthCheck(RoomVersion version, Pdu ev, IReadOnlyDictionary<TypeStateKey, Pdu> authState);
