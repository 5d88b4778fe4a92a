namespace Homeserver.LoadTest;

/// <summary>
/// Sync wake-up latencies: from the start of the send and from its response to the arrival of the
/// waiting sync's response that holds the event. <see cref="ExtraSyncResponses"/> counts sync
/// responses that came back without the event (each made the waiter poll again).
/// </summary>
public sealed record WakeupResult(
    string Condition, LatencySummary FromSendStart, LatencySummary FromSendResponse, int ExtraSyncResponses, LoadResult? Load);
