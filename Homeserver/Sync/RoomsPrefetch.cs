using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>
/// The reads of <see cref="RoomSyncBuilder.BuildAsync"/> for many rooms with full state over the same range (the joined rooms of
/// an initial sync), made together: the timeline slices, the state at each timeline's start, the current states (for the
/// summaries), the state and member events, and what formatting needs (<see cref="Format"/>).
/// </summary>
public sealed record RoomsPrefetch(long After, long UpTo, IReadOnlyDictionary<string, TimelineSlice> Slices,
    IReadOnlyDictionary<string, StateMap> StatesAtStart, IReadOnlyDictionary<string, StateMap> CurrentStates,
    IReadOnlyDictionary<string, EventRecord> Events, FormatPrefetch Format)
{
    public bool AppliesTo(string roomId, long after, long upTo, RoomStateMode mode) =>
        after == After && upTo == UpTo && mode == RoomStateMode.Full && Slices.ContainsKey(roomId);
}
