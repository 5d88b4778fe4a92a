using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Homeserver.Push;

/// <summary>
/// A push condition read once from its JSON into a matcher (property path split, glob compiled, member count
/// parsed). A condition of an unknown kind, or one missing its parameters, never matches (which disables its
/// rule, as the spec requires). Matchers are interned by their JSON, so the same condition in many users'
/// rulesets is one matcher, and its result for an event is computed once (<see cref="PushEvent"/> keeps it).
/// </summary>
public abstract class PushConditionMatcher
{
    /// <summary>Distinct conditions interned at most; beyond that, new ones are compiled without sharing.</summary>
    public const int MaxInterned = 100_000;

    private static readonly ConcurrentDictionary<string, PushConditionMatcher> Interned = new(StringComparer.Ordinal);
    private static int _lastId;

    private protected PushConditionMatcher(bool dependsOnMember)
    {
        Id = Interlocked.Increment(ref _lastId);
        DependsOnMember = dependsOnMember;
    }

    /// <summary>Identifies the matcher in a <see cref="PushEvent"/>'s kept results.</summary>
    public int Id { get; }

    /// <summary>Whether the result depends on the member whose rules are evaluated (else it is kept per event).</summary>
    public bool DependsOnMember { get; }

    /// <summary>Whether the condition holds for the event and the member with this display name in the room.</summary>
    public bool Matches(PushEvent ev, string? displayName) =>
        DependsOnMember ? Evaluate(ev, displayName) : ev.SharedResult(this);

    /// <summary>The condition's result, computed.</summary>
    internal abstract bool Evaluate(PushEvent ev, string? displayName);

    /// <summary>The matcher of a condition's JSON (shared with every equal condition compiled before).</summary>
    public static PushConditionMatcher Compile(JsonNode? condition)
    {
        if (condition is not JsonObject c || Text(c, "kind") is not { } kind)
            return Never.Instance;
        var key = c.ToJsonString();
        if (Interned.TryGetValue(key, out var known))
            return known;
        var compiled = Create(kind, c);
        return Interned.Count < MaxInterned ? Interned.GetOrAdd(key, compiled) : compiled;
    }

    /// <summary>The matcher of a content rule's pattern: a glob on <c>content.body</c> between word boundaries.</summary>
    public static PushConditionMatcher CompileContentPattern(string pattern) =>
        Compile(new JsonObject { ["kind"] = PushConditions.EventMatch, ["key"] = BodyKey, ["pattern"] = pattern });

    private const string BodyKey = "content.body";

    private static PushConditionMatcher Create(string kind, JsonObject c) => kind switch
    {
        PushConditions.EventMatch when Text(c, "key") is { } key && Text(c, "pattern") is { } pattern =>
            key == BodyKey ? new BodyMatch(new GlobPattern(pattern)) : new EventMatch(PropertyPath.Parse(key), new GlobPattern(pattern)),
        PushConditions.EventPropertyIs when Text(c, "key") is { } key && c.TryGetPropertyValue("value", out var value) && PushConditions.IsSimple(value) =>
            new PropertyIs(PropertyPath.Parse(key), value?.DeepClone()),
        PushConditions.EventPropertyContains when Text(c, "key") is { } key && c.TryGetPropertyValue("value", out var value) && PushConditions.IsSimple(value) =>
            new PropertyContains(PropertyPath.Parse(key), value?.DeepClone()),
        PushConditions.ContainsDisplayName => new DisplayName(),
        PushConditions.RoomMemberCount when Text(c, "is") is { } @is => new MemberCount(@is),
        PushConditions.SenderNotificationPermission when Text(c, "key") is { } key => new SenderPermission(key),
        _ => Never.Instance,
    };

    private static string? Text(JsonObject obj, string key) => obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Unknown kinds and incomplete conditions.</summary>
    private sealed class Never() : PushConditionMatcher(dependsOnMember: false)
    {
        public static readonly Never Instance = new();

        internal override bool Evaluate(PushEvent ev, string? displayName) => false;
    }

    /// <summary><c>event_match</c>: a glob on the whole string at the path.</summary>
    private sealed class EventMatch(IReadOnlyList<string> path, GlobPattern glob) : PushConditionMatcher(dependsOnMember: false)
    {
        internal override bool Evaluate(PushEvent ev, string? displayName) =>
            PropertyPath.TryGet(ev.Json, path, out var node) && Text(node) is { } value && glob.MatchesWhole(GlobPattern.TextRunes(value));
    }

    /// <summary><c>event_match</c> on <c>content.body</c> (and content rules): any part between word boundaries may match.</summary>
    private sealed class BodyMatch(GlobPattern glob) : PushConditionMatcher(dependsOnMember: false)
    {
        internal override bool Evaluate(PushEvent ev, string? displayName) => ev.BodyRunes is { } body && glob.MatchesWords(body);
    }

    private sealed class PropertyIs(IReadOnlyList<string> path, JsonNode? expected) : PushConditionMatcher(dependsOnMember: false)
    {
        internal override bool Evaluate(PushEvent ev, string? displayName) =>
            PropertyPath.TryGet(ev.Json, path, out var actual) && PushConditions.SimpleEquals(actual, expected);
    }

    private sealed class PropertyContains(IReadOnlyList<string> path, JsonNode? expected) : PushConditionMatcher(dependsOnMember: false)
    {
        internal override bool Evaluate(PushEvent ev, string? displayName)
        {
            if (!PropertyPath.TryGet(ev.Json, path, out var actual) || actual is not JsonArray array)
                return false;
            foreach (var item in array)
                if (PushConditions.SimpleEquals(item, expected))
                    return true;
            return false;
        }
    }

    /// <summary>The member's display name in the room appears in <c>content.body</c> between word boundaries.</summary>
    private sealed class DisplayName() : PushConditionMatcher(dependsOnMember: true)
    {
        internal override bool Evaluate(PushEvent ev, string? displayName) =>
            !string.IsNullOrWhiteSpace(displayName) && ev.Body is { } body && PushConditions.LiteralMatchesWords(displayName, body);
    }

    private sealed class MemberCount(string @is) : PushConditionMatcher(dependsOnMember: false)
    {
        internal override bool Evaluate(PushEvent ev, string? displayName) => PushConditions.MemberCountMatches(@is, ev.RoomMemberCount);
    }

    private sealed class SenderPermission(string key) : PushConditionMatcher(dependsOnMember: false)
    {
        internal override bool Evaluate(PushEvent ev, string? displayName) => ev.SenderPowerLevel >= ev.RequiredNotificationLevel(key);
    }
}
