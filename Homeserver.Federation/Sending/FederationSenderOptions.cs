namespace Homeserver.Federation.Sending;

/// <summary>Limits and retry timing of outbound transactions.</summary>
public sealed class FederationSenderOptions
{
    /// <summary>The spec's limits of one transaction.</summary>
    public const int MaxPdusPerTransaction = 50;
    public const int MaxEdusPerTransaction = 100;

    /// <summary>The wait after a destination's first failure; it doubles with each further failure.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts (a transaction from the destination ends the wait early).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// PDUs kept queued for a destination that keeps failing; older ones are dropped (the destination fetches the gap
    /// with <c>get_missing_events</c> and backfill when it is back), so an unreachable server cannot grow the queue forever.
    /// </summary>
    public int MaxQueuedPdusPerDestination { get; set; } = 10_000;
}
