using System.Text.Json.Nodes;

namespace Homeserver.Federation.Authorization;

/// <summary>The m.room.power_levels rules: content validity, v12 creators, and who may change what.</summary>
public sealed partial class EventAuthorizer
{
    private static AuthResult CheckPowerLevels(RuleContext c, long senderLevel)
    {
        var ev = c.Event;
        var n = c.Numbers;
        var rules = c.Rules;
        var content = ev.Content;

        if (rules.IntegerOnlyPowerLevels)
        {
            foreach (var key in PowerLevels.TopLevelKeys)
                if (content.TryGetPropertyValue(key, out var value) && !PowerLevelValue.TryRead(value, rules, out _))
                    return AuthResult.Reject(n.PowerLevelsTopLevelIntegers, $"{key} is not an integer");
            foreach (var key in (ReadOnlySpan<string>)["events", "notifications"])
                if (content.TryGetPropertyValue(key, out var value) && !IsMapOfLevels(value, rules, keysAreUserIds: false))
                    return AuthResult.Reject(n.PowerLevelsMapsIntegers, $"{key} is not an object of integers");
        }

        if (content.TryGetPropertyValue("users", out var users) && !IsMapOfLevels(users, rules, keysAreUserIds: true))
            return AuthResult.Reject(n.PowerLevelsUsers, "users is not an object of user IDs to power levels");

        if (rules.CreatorsHaveInfinitePower && users is JsonObject userMap)
            foreach (var creator in c.Creators.UserIds)
                if (userMap.ContainsKey(creator))
                    return AuthResult.Reject(n.PowerLevelsCreators, $"room creator {creator} must not be listed in users");

        if (!c.PowerLevels.Exists)
            return AuthResult.Allow;

        var current = c.PowerLevels;
        var proposed = PowerLevels.Of(ev);

        foreach (var key in PowerLevels.TopLevelKeys)
        {
            var before = current.Explicit(key);
            var after = proposed.Explicit(key);
            if (before == after) continue;
            if (before > senderLevel)
                return AuthResult.Reject(n.PowerLevelsTopLevelChanges + ".1", $"{key} is {before}, above the sender's level {senderLevel}");
            if (after > senderLevel)
                return AuthResult.Reject(n.PowerLevelsTopLevelChanges + ".2", $"{key} would be {after}, above the sender's level {senderLevel}");
        }

        var checkNotifications = rules.LimitNotificationsPowerLevels;
        if (FirstChangedOrRemovedAbove(current.Events, proposed.Events, senderLevel, orEqual: false, exceptKey: null) is { } e1)
            return AuthResult.Reject(n.PowerLevelsMapEntriesChangedOrRemoved + ".1", $"events.{e1} is above the sender's level {senderLevel}");
        if (checkNotifications && FirstChangedOrRemovedAbove(current.Notifications, proposed.Notifications, senderLevel, orEqual: false, exceptKey: null) is { } n1)
            return AuthResult.Reject(n.PowerLevelsMapEntriesChangedOrRemoved + ".1", $"notifications.{n1} is above the sender's level {senderLevel}");
        if (FirstAddedOrChangedAbove(current.Events, proposed.Events, senderLevel) is { } e2)
            return AuthResult.Reject(n.PowerLevelsMapEntriesAddedOrChanged + ".1", $"events.{e2} would be above the sender's level {senderLevel}");
        if (checkNotifications && FirstAddedOrChangedAbove(current.Notifications, proposed.Notifications, senderLevel) is { } n2)
            return AuthResult.Reject(n.PowerLevelsMapEntriesAddedOrChanged + ".1", $"notifications.{n2} would be above the sender's level {senderLevel}");

        // Another user's entry may only be changed or removed by someone with more power than it.
        if (FirstChangedOrRemovedAbove(current.Users, proposed.Users, senderLevel, orEqual: true, exceptKey: ev.Sender) is { } u1)
            return AuthResult.Reject(n.PowerLevelsUsersChangedOrRemoved + ".1", $"users.{u1} is not below the sender's level {senderLevel}");
        if (FirstAddedOrChangedAbove(current.Users, proposed.Users, senderLevel) is { } u2)
            return AuthResult.Reject(n.PowerLevelsUsersAddedOrChanged + ".1", $"users.{u2} would be above the sender's level {senderLevel}");

        return AuthResult.Allow;
    }

    /// <summary>The first key whose current value is changed or removed and is above (or equal to) <paramref name="limit"/>.</summary>
    private static string? FirstChangedOrRemovedAbove(IReadOnlyDictionary<string, long> before,
        IReadOnlyDictionary<string, long> after, long limit, bool orEqual, string? exceptKey)
    {
        foreach (var (key, old) in before)
        {
            if (key == exceptKey) continue;
            if (after.TryGetValue(key, out var now) && now == old) continue;
            if (old > limit || (orEqual && old == limit)) return key;
        }
        return null;
    }

    /// <summary>The first key whose new value is added or changed and is above <paramref name="limit"/>.</summary>
    private static string? FirstAddedOrChangedAbove(IReadOnlyDictionary<string, long> before,
        IReadOnlyDictionary<string, long> after, long limit)
    {
        foreach (var (key, now) in after)
        {
            if (before.TryGetValue(key, out var old) && old == now) continue;
            if (now > limit) return key;
        }
        return null;
    }

    private static bool IsMapOfLevels(JsonNode? node, RoomVersions.RoomVersionRules rules, bool keysAreUserIds)
    {
        if (node is not JsonObject map) return false;
        foreach (var (key, value) in map)
        {
            if (keysAreUserIds && !UserIdSyntax.IsValid(key)) return false;
            if (!PowerLevelValue.TryRead(value, rules, out _)) return false;
        }
        return true;
    }
}
