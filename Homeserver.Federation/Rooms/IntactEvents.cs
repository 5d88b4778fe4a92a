using Homeserver.Federation.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Received events whose signatures and hashes the pipeline checked (<see cref="RoomEventPipeline.CheckIntegrityAsync(IReadOnlyList{Pdu}, CancellationToken)"/>):
/// those that failed are left out, those with a wrong content hash are redacted, <c>unsigned</c> is
/// removed. Only the pipeline makes one, so what it is given this way needs no second check.
/// </summary>
public sealed class IntactEvents
{
    internal IntactEvents(IReadOnlyList<Pdu> events) => Events = events;

    /// <summary>The events that passed, in the order given, without repeats.</summary>
    public IReadOnlyList<Pdu> Events { get; }

    public int Count => Events.Count;
}
