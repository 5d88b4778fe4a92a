namespace Homeserver.Storage.Events;

/// <summary>
/// Events of ONE room written atomically, in order, under the room's write lock, with the room's
/// new forward extremities and current state. The write is optimistic: it fails with
/// <see cref="RoomChangedException"/> when the room's forward extremities are no longer
/// <see cref="ExpectedForwardExtremities"/> (another writer, perhaps another process, got there first);
/// the pipeline then recomputes and retries.
/// </summary>
public sealed record RoomEventBatch(
    string RoomId,
    IReadOnlyList<EventToPersist> Events,
    /// <summary>The forward extremities the pipeline computed from (empty for a new room).</summary>
    IReadOnlyCollection<string> ExpectedForwardExtremities,
    /// <summary>The room's forward extremities after the batch.</summary>
    IReadOnlyCollection<string> NewForwardExtremities,
    /// <summary>The room's current state after the batch; null when the batch does not change it.</summary>
    StateMap? NewCurrentState,
    /// <summary>Set when the batch creates the room (it then holds the create event).</summary>
    NewRoom? NewRoom = null,
    /// <summary>
    /// Events of the batch the pipeline took for not stored without asking: if one is stored in any form, the batch
    /// fails with <see cref="RoomChangedException"/> (someone stored it meanwhile), and the pipeline asks and retries.
    /// </summary>
    IReadOnlyCollection<string>? AssumedNew = null);

/// <summary>The metadata of a room created by a batch.</summary>
public sealed record NewRoom(string RoomVersion, string CreatorUserId, string CreateEventId);

/// <summary>The room's forward extremities (or its stored events) changed since the batch was computed; recompute and retry.</summary>
public sealed class RoomChangedException(string roomId)
    : Exception($"The forward extremities or stored events of room {roomId} changed while the batch was being prepared.");
