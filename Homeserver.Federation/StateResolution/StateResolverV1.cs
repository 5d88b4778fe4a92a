using System.Security.Cryptography;
using System.Text;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// State resolution v1 (room v1). Conflicts are resolved in passes: power levels, then join
/// rules, then memberships, each by admitting events in ascending depth (descending sha1 of the
/// event id) while the auth rules allow them; then every other key takes its deepest event
/// (lowest sha1 of the event id) that the auth rules allow.
/// </summary>
/// <remarks>
/// Choices where the spec is silent, made so the result does not depend on input order: every key
/// of one pass is checked against R as it stood when the pass began (plus the key's own events),
/// and a key none of whose events is allowed in the last pass is left out of the result.
/// Unavailable events are not candidates; a key with one candidate left takes it.
/// </remarks>
public static class StateResolverV1
{
    public static Dictionary<TypeStateKey, string> Resolve(RoomVersion version, IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> stateSets,
        EventLookup events, AuthCheck authCheck)
    {
        var split = ConflictedStateSplit.Split(stateSets, missingKeyConflicts: false);
        var resolved = new Dictionary<TypeStateKey, string>(split.Unconflicted);

        var conflicts = new SortedDictionary<TypeStateKey, List<Pdu>>(Comparer<TypeStateKey>.Create(CompareKeys));
        foreach (var (key, ids) in split.Conflicted)
        {
            // An event listed under a key that is not its own is not a candidate either.
            var candidates = ids.Select(events.Get).OfType<Pdu>().Where(e => e.IsState && e.StateEntryKey == key).ToList();
            if (candidates.Count == 1) resolved[key] = candidates[0].EventId;
            else if (candidates.Count > 1) conflicts[key] = candidates;
        }

        ResolvePass(version, conflicts, key => key is { Type: EventTypeNames.PowerLevels, StateKey: "" }, resolved, events, authCheck);
        ResolvePass(version, conflicts, key => key.Type == EventTypeNames.JoinRules, resolved, events, authCheck);
        ResolvePass(version, conflicts, key => key.Type == EventTypeNames.Member, resolved, events, authCheck);

        var before = new Dictionary<TypeStateKey, string>(resolved);
        foreach (var (key, candidates) in conflicts)
        {
            // Highest depth first, then lowest sha1(event_id): the first allowed one wins.
            var ordered = candidates.OrderByDescending(e => e.Depth).ThenBy(Sha1Hex, StringComparer.Ordinal);
            var winner = ordered.FirstOrDefault(e => authCheck(version, e, AuthState(e, before, null, events)).Allowed);
            if (winner is not null) resolved[key] = winner.EventId;
        }
        return resolved;
    }

    /// <summary>Resolves (and removes from <paramref name="conflicts"/>) the keys of one pass.</summary>
    private static void ResolvePass(RoomVersion version, SortedDictionary<TypeStateKey, List<Pdu>> conflicts, Func<TypeStateKey, bool> inPass,
        Dictionary<TypeStateKey, string> resolved, EventLookup events, AuthCheck authCheck)
    {
        var before = new Dictionary<TypeStateKey, string>(resolved);
        foreach (var key in conflicts.Keys.Where(inPass).ToList())
        {
            // Ascending depth, then descending sha1(event_id). The first is taken as is; each
            // following one must be allowed with its predecessor in R.
            var ordered = conflicts[key].OrderBy(e => e.Depth).ThenByDescending(Sha1Hex, StringComparer.Ordinal).ToList();
            var current = ordered[0];
            foreach (var next in ordered.Skip(1))
            {
                if (!authCheck(version, next, AuthState(next, before, current, events)).Allowed) break;
                current = next;
            }
            resolved[key] = current.EventId;
            conflicts.Remove(key);
        }
    }

    /// <summary>The auth state of <paramref name="ev"/> in R, with <paramref name="replacing"/> put in R first.</summary>
    private static Dictionary<TypeStateKey, Pdu> AuthState(Pdu ev, Dictionary<TypeStateKey, string> r, Pdu? replacing, EventLookup events)
    {
        var authState = new Dictionary<TypeStateKey, Pdu>();
        foreach (var key in AuthEventSelection.StateReadByAuthRules(ev))
        {
            if (replacing is not null && replacing.StateEntryKey == key) authState[key] = replacing;
            else if (r.TryGetValue(key, out var id) && events.Get(id) is { } auth) authState[key] = auth;
        }
        return authState;
    }

    private static string Sha1Hex(Pdu ev) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(ev.EventId)));

    private static int CompareKeys(TypeStateKey x, TypeStateKey y)
    {
        var byType = string.CompareOrdinal(x.Type, y.Type);
        return byType != 0 ? byType : string.CompareOrdinal(x.StateKey, y.StateKey);
    }
}
