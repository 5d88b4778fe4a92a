using Homeserver.Federation.Events;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// Step 3 of state resolution v2: orders events by their mainline position relative to a power
/// levels event P (an earlier point of P's mainline first), then origin_server_ts, then event id.
/// </summary>
public static class MainlineOrdering
{
    /// <summary>The position of events whose power levels chain never meets the mainline.</summary>
    public const int NotOnMainline = int.MaxValue;

    public static List<string> Sort(IEnumerable<string> eventIds, string? powerLevelsEventId, EventLookup events)
    {
        // The mainline of P: P0 = P, then the power levels event in each one's auth events.
        var mainline = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var pl = powerLevelsEventId is null ? null : events.Get(powerLevelsEventId);
             pl is not null && mainline.TryAdd(pl.EventId, mainline.Count);
             pl = events.PowerLevelsAuthEventOf(pl))
        {
        }

        var positionFrom = new Dictionary<string, int>(StringComparer.Ordinal);
        var sorted = new List<(int Position, long Ts, string Id)>();
        foreach (var id in eventIds)
            if (events.Get(id) is { } ev)
                sorted.Add((PositionOf(ev, mainline, positionFrom, events), ev.OriginServerTs, id));

        sorted.Sort((x, y) =>
        {
            var byPosition = y.Position.CompareTo(x.Position);
            if (byPosition != 0) return byPosition;
            var byTime = x.Ts.CompareTo(y.Ts);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
        });
        return sorted.ConvertAll(entry => entry.Id);
    }

    /// <summary>
    /// The mainline position of <paramref name="ev"/>: the index in the mainline of the first power
    /// levels event met when following power levels auth events from it (itself excluded).
    /// Positions of the power levels events passed on the way are remembered for later events.
    /// </summary>
    private static int PositionOf(Pdu ev, Dictionary<string, int> mainline, Dictionary<string, int> positionFrom, EventLookup events)
    {
        var path = new HashSet<string>(StringComparer.Ordinal);
        var position = NotOnMainline;
        for (var pl = events.PowerLevelsAuthEventOf(ev); pl is not null; pl = events.PowerLevelsAuthEventOf(pl))
        {
            if (mainline.TryGetValue(pl.EventId, out position) || positionFrom.TryGetValue(pl.EventId, out position)) break;
            position = NotOnMainline;
            if (!path.Add(pl.EventId)) break; // a cycle, which a valid auth graph never has
        }
        foreach (var id in path) positionFrom[id] = position;
        return position;
    }
}
