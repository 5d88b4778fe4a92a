namespace Homeserver.Federation.Rooms;

/// <summary>Tuning of the room event pipeline.</summary>
public sealed class RoomEventPipelineOptions
{
    /// <summary>At most this many queued events of one room are written in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 50;

    /// <summary>How often a batch is recomputed when another writer changed the room meanwhile, before giving up.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Parsed events kept in memory, across rooms.</summary>
    public int PduCacheSize { get; set; } = 20_000;

    /// <summary>
    /// State entries of the room heads (forward extremities, current state) the writer remembers after writing instead
    /// of reading them again, summed over rooms (each also counts one); 0 remembers none.
    /// </summary>
    public int KnownHeadStateEntries { get; set; } = 200_000;
}
