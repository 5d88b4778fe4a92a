using Homeserver.Federation.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>A stored event as the pipeline works with it: the parsed PDU and what was decided about it (which never changes).</summary>
public sealed record StoredPdu(Pdu Pdu, bool IsRejected, bool IsOutlier);
