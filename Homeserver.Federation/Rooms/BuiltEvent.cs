using Homeserver.Federation.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// A local event built and signed but not stored (<see cref="RoomEventPipeline.BuildAsync"/>), or why it
/// could not be: <see cref="Failure"/> is a Dropped, Rejected or MissingEvents result then.
/// </summary>
public sealed record BuiltEvent(Pdu? Event, RoomEventResult? Failure);
