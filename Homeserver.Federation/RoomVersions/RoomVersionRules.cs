namespace Homeserver.Federation.RoomVersions;

/// <summary>How event ids are formed in a room version.</summary>
public enum EventIdFormat
{
    /// <summary>v1–v2: <c>$opaque:server</c>, carried in the event itself.</summary>
    Opaque,
    /// <summary>v3: <c>$</c> + standard unpadded base64 of the reference hash.</summary>
    Base64ReferenceHash,
    /// <summary>v4+: <c>$</c> + URL-safe unpadded base64 of the reference hash.</summary>
    UrlSafeBase64ReferenceHash,
}

/// <summary>Which state resolution algorithm a room version uses.</summary>
public enum StateResolutionAlgorithm
{
    V1,
    V2,
    /// <summary>v12 (MSC4297): iterative auth checks start from an empty map; conflicted state subgraph.</summary>
    V2_1,
}

/// <summary>
/// The rule switches of one room version. Code asks a flag, never compares version numbers.
/// Each version is its predecessor with some flags changed (see <see cref="RoomVersion"/>).
/// </summary>
public sealed record RoomVersionRules
{
    // ---- event format ----
    public required EventIdFormat EventIdFormat { get; init; }
    /// <summary>v1–v2: prev_events/auth_events are <c>[[id, {hashes}], ...]</c> pairs.</summary>
    public bool EventReferencesAreHashPairs { get; init; }
    /// <summary>v12: the room id is <c>!</c> + URL-safe base64 of the create event's reference hash, and the create event has no room_id.</summary>
    public bool RoomIdIsCreateEventHash { get; init; }
    /// <summary>v6+: integers outside ±(2^53−1) and floats make an event invalid.</summary>
    public bool StrictCanonicalJson { get; init; }
    /// <summary>v5+: signatures are checked against keys valid at the event's origin_server_ts.</summary>
    public bool EnforceSigningKeyValidity { get; init; }

    // ---- redaction algorithm ----
    /// <summary>v1–v5: m.room.aliases keeps <c>aliases</c>.</summary>
    public bool RedactionKeepsAliasesContent { get; init; }
    /// <summary>v1–v10: top-level <c>origin</c>, <c>membership</c> and <c>prev_state</c> survive redaction.</summary>
    public bool RedactionKeepsOriginMembershipPrevState { get; init; }
    /// <summary>v8+: m.room.join_rules keeps <c>allow</c>.</summary>
    public bool RedactionKeepsJoinRulesAllow { get; init; }
    /// <summary>v9+: m.room.member keeps <c>join_authorised_via_users_server</c>.</summary>
    public bool RedactionKeepsJoinAuthorisedVia { get; init; }
    /// <summary>v11+: m.room.create keeps all of its content.</summary>
    public bool RedactionKeepsAllCreateContent { get; init; }
    /// <summary>v11+: m.room.power_levels keeps <c>invite</c>.</summary>
    public bool RedactionKeepsPowerLevelsInvite { get; init; }
    /// <summary>v11+: m.room.redaction keeps <c>redacts</c> in content.</summary>
    public bool RedactionKeepsRedactsContent { get; init; }
    /// <summary>v11+: m.room.member keeps <c>third_party_invite.signed</c>.</summary>
    public bool RedactionKeepsThirdPartyInviteSigned { get; init; }

    // ---- authorization rules ----
    /// <summary>v1–v5: m.room.aliases has its own auth rule (state_key must be the sender's domain).</summary>
    public bool SpecialCaseAliasesAuth { get; init; }
    /// <summary>v1–v2: a redaction is allowed when the redacted event's id has the redaction's id domain.</summary>
    public bool RedactionAuthChecksEventIdDomain { get; init; }
    /// <summary>v6+: changes to the power levels' <c>notifications</c> key are checked like other levels.</summary>
    public bool LimitNotificationsPowerLevels { get; init; }
    /// <summary>v7+: the <c>knock</c> join rule and membership.</summary>
    public bool KnockingAllowed { get; init; }
    /// <summary>v8+: the <c>restricted</c> join rule with <c>join_authorised_via_users_server</c>.</summary>
    public bool RestrictedJoinsAllowed { get; init; }
    /// <summary>v10+: the <c>knock_restricted</c> join rule.</summary>
    public bool KnockRestrictedAllowed { get; init; }
    /// <summary>v10+: power level values must be JSON integers, not strings.</summary>
    public bool IntegerOnlyPowerLevels { get; init; }
    /// <summary>v11+: the room creator is the create event's sender; <c>content.creator</c> is not required.</summary>
    public bool CreatorIsCreateEventSender { get; init; }
    /// <summary>v11+: a redaction's <c>redacts</c> lives in content (top-level too, for compatibility).</summary>
    public bool RedactsInContent { get; init; }
    /// <summary>v12: creators (create sender + additional_creators) have infinite power and can't be in power_levels users.</summary>
    public bool CreatorsHaveInfinitePower { get; init; }
    /// <summary>v1–v11: the create event is listed in auth_events. v12: it must not be (it is implied by the room id).</summary>
    public bool CreateEventInAuthEvents { get; init; } = true;

    // ---- state resolution ----
    public required StateResolutionAlgorithm StateResolution { get; init; }
}
