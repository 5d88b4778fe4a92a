using Homeserver.Federation.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>How an event changes a room's forward extremities (the events nothing points to yet).</summary>
public static class ForwardExtremities
{
    /// <summary>
    /// The extremities after <paramref name="ev"/>. An accepted event replaces its prev events;
    /// a rejected or soft-failed event changes nothing, since new events must not point to it and
    /// its prev events still lack a child that counts.
    /// </summary>
    public static IReadOnlyList<string> After(IReadOnlyList<string> extremities, Pdu ev, bool rejected, bool softFailed)
    {
        if (rejected || softFailed) return extremities;
        var prevs = ev.PrevEvents.ToHashSet(StringComparer.Ordinal);
        var result = new List<string>(extremities.Count + 1);
        foreach (var id in extremities)
            if (!prevs.Contains(id) && id != ev.EventId) result.Add(id);
        result.Add(ev.EventId);
        return result;
    }
}
