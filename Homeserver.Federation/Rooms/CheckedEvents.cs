using Homeserver.Federation.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Received events of one room after the checks that depend on nothing but the event (format, event id,
/// signatures, content hash; see <see cref="RoomEventPipeline.CheckReceivedAsync"/>), not yet queued: each
/// either an event to queue or the result of dropping it. Queued with <see cref="RoomEventPipeline.Submit"/>.
/// </summary>
public sealed class CheckedEvents
{
    internal CheckedEvents(IReadOnlyList<(Pdu? Event, RoomEventResult? Dropped)> events) => Events = events;

    internal IReadOnlyList<(Pdu? Event, RoomEventResult? Dropped)> Events { get; }

    public int Count => Events.Count;
}
