namespace Homeserver.Federation.StateResolution;

/// <summary>
/// Auth chains: the events reachable from an event by following <c>auth_events</c> links.
/// The graph is given as a function from an event id to its auth event ids (null when the event is
/// unavailable, which ends the walk there), so the same code serves PDUs and plain test graphs.
/// </summary>
public static class AuthChain
{
    /// <summary>
    /// The union of the auth chains of <paramref name="eventIds"/>. A starting event is in the result
    /// only when it is reachable from another one, as the definition of an auth chain excludes the
    /// event itself.
    /// </summary>
    public static HashSet<string> Of(IEnumerable<string> eventIds, Func<string, IReadOnlyList<string>?> authEventsOf)
    {
        var chain = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        foreach (var id in eventIds) PushAuthEvents(id, authEventsOf, chain, pending);
        while (pending.Count > 0) PushAuthEvents(pending.Pop(), authEventsOf, chain, pending);
        return chain;
    }

    private static void PushAuthEvents(string eventId, Func<string, IReadOnlyList<string>?> authEventsOf,
        HashSet<string> chain, Stack<string> pending)
    {
        if (authEventsOf(eventId) is not { } authEvents) return;
        foreach (var authId in authEvents)
            if (chain.Add(authId)) pending.Push(authId);
    }
}
