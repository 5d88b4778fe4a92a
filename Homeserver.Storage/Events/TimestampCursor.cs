namespace Homeserver.Storage.Events;

/// <summary>
/// A place in a room's events ordered by (origin_server_ts, stream ordering). With a null
/// <see cref="StreamOrdering"/> it stands before (forwards) or after (backwards) every event of
/// that timestamp, so they are all included; with one it continues past that event.
/// </summary>
public sealed record TimestampCursor(long OriginServerTs, long? StreamOrdering = null)
{
    /// <summary>The cursor that continues a scan after this event.</summary>
    public static TimestampCursor After(EventRecord ev) => new(ev.OriginServerTs, ev.StreamOrdering);
}
