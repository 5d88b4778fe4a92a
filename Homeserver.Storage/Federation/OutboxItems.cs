namespace Homeserver.Storage.Federation;

/// <summary>A queued PDU for a destination: its place in the queue and the event to send.</summary>
public sealed record OutboundPdu(long QueueId, string EventId);

/// <summary>A queued EDU for a destination: its place in the queue, its type and its content (JSON text).</summary>
public sealed record OutboundEdu(long QueueId, string EduType, string ContentJson);

/// <summary>The oldest queued items of a destination, each list in queue order.</summary>
public sealed record OutboxBatch(IReadOnlyList<OutboundPdu> Pdus, IReadOnlyList<OutboundEdu> Edus)
{
    public bool IsEmpty => Pdus.Count == 0 && Edus.Count == 0;
}
