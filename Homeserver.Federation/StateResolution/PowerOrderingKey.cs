namespace Homeserver.Federation.StateResolution;

/// <summary>
/// The tie-break of the reverse topological power ordering: x comes before y when x's sender has
/// the greater power level, then the smaller origin_server_ts, then the smaller event id (ordinal).
/// </summary>
public readonly record struct PowerOrderingKey(long SenderPowerLevel, long OriginServerTs, string EventId)
    : IComparable<PowerOrderingKey>
{
    public int CompareTo(PowerOrderingKey other)
    {
        var byPower = other.SenderPowerLevel.CompareTo(SenderPowerLevel);
        if (byPower != 0) return byPower;
        var byTime = OriginServerTs.CompareTo(other.OriginServerTs);
        return byTime != 0 ? byTime : string.CompareOrdinal(EventId, other.EventId);
    }
}
