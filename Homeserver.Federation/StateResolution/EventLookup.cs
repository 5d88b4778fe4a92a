using Homeserver.Federation.Events;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// The events one resolution may look at, fetched at most once each. An event the caller cannot
/// supply (or supplies under a different id) is <em>unavailable</em>: it is treated as if it did not
/// exist. State resolution only ever sees events through this class, so that policy lives here.
/// </summary>
public sealed class EventLookup
{
    private readonly Func<string, Pdu?> _fetch;
    private readonly Func<string, bool>? _isRejected;
    private readonly Dictionary<string, Pdu?> _cache = new(StringComparer.Ordinal);

    public EventLookup(Func<string, Pdu?> fetchEvent, Func<string, bool>? isRejected = null)
    {
        _fetch = fetchEvent;
        _isRejected = isRejected;
    }

    /// <summary>The event with this id, or null when it is unavailable.</summary>
    public Pdu? Get(string eventId)
    {
        if (_cache.TryGetValue(eventId, out var cached)) return cached;
        var pdu = _fetch(eventId);
        if (pdu is not null && !string.Equals(pdu.EventId, eventId, StringComparison.Ordinal)) pdu = null;
        _cache[eventId] = pdu;
        return pdu;
    }

    /// <summary>
    /// Whether the event was rejected when it was received (failed auth against its auth events).
    /// Such events are never used as auth events during iterative auth checks.
    /// </summary>
    public bool IsRejected(string eventId) => _isRejected?.Invoke(eventId) ?? false;

    /// <summary>The auth event ids of an event, or null when the event is unavailable.</summary>
    public IReadOnlyList<string>? AuthEventsOf(string eventId) => Get(eventId)?.AuthEvents;

    /// <summary>
    /// Like <see cref="AuthEventsOf"/> but without remembering the event: for the one pass over the
    /// unconflicted state, whose events are rarely needed again and would only fill the cache.
    /// </summary>
    public IReadOnlyList<string>? AuthEventsOfUncached(string eventId)
    {
        if (_cache.TryGetValue(eventId, out var cached)) return cached?.AuthEvents;
        var pdu = _fetch(eventId);
        return pdu is not null && string.Equals(pdu.EventId, eventId, StringComparison.Ordinal) ? pdu.AuthEvents : null;
    }

    /// <summary>
    /// The create event that governs <paramref name="ev"/>: the m.room.create among its auth events
    /// or, for room versions whose create event is implied by the room id (v12), the event whose id
    /// is the room id with <c>$</c> for <c>!</c>. Null when unavailable.
    /// </summary>
    public Pdu? CreateEventFor(Pdu ev)
    {
        if (ev.Type == EventTypeNames.Create && ev.StateKey == "") return ev;
        foreach (var id in ev.AuthEvents)
        {
            var auth = Get(id);
            if (auth is { Type: EventTypeNames.Create, StateKey: "" }) return auth;
        }
        if (ev.RoomVersion.Rules.CreateEventInAuthEvents || !ev.RoomId.StartsWith('!')) return null;
        return Get("$" + ev.RoomId[1..]);
    }

    /// <summary>The m.room.power_levels event among the auth events of <paramref name="ev"/>, if any.</summary>
    public Pdu? PowerLevelsAuthEventOf(Pdu ev)
    {
        foreach (var id in ev.AuthEvents)
        {
            var auth = Get(id);
            if (auth is { Type: EventTypeNames.PowerLevels, StateKey: "" }) return auth;
        }
        return null;
    }
}
