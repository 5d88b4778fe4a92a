namespace Homeserver.Federation.Receiving;

/// <summary>
/// How many requests one inbound transaction may make to fill gaps (get_missing_events, state_ids,
/// single events), shared by its PDUs: a transaction cannot make this server fetch without end.
/// </summary>
public sealed class FetchBudget(int requests)
{
    private int _remaining = requests;

    public int Remaining => Math.Max(0, Volatile.Read(ref _remaining));

    /// <summary>Takes <paramref name="count"/> requests, or none and false when not that many are left.</summary>
    public bool TryTake(int count = 1)
    {
        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining < count) return false;
            if (Interlocked.CompareExchange(ref _remaining, remaining - count, remaining) == remaining) return true;
        }
    }
}
