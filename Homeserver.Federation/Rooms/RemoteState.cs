using Homeserver.Federation.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// The state before a received event as another server reported it (a send_join answer, or state_ids
/// for an event after a gap): the state and auth chain events, already checked for signatures and
/// hashes, and which of them form the state. The room writer checks each against its auth events,
/// stores them as outliers, and uses the non-rejected ones as the event's state before.
/// </summary>
internal sealed record RemoteState(IReadOnlyList<Pdu> Events, IReadOnlyList<string> StateEventIds, bool MayCreateRoom);
