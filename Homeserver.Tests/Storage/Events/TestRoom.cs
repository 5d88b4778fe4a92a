using System.Text;
using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>
/// A room built event by event the way the pipeline would for a linear history: each new event
/// points at the current forward extremities, carries the model's current state as its state
/// before, and (when an accepted state event) advances that state. Batches carry the expected
/// and new forward extremities and the new current state.
/// </summary>
internal sealed class TestRoom
{
    private readonly List<string> _batchStartExtremities = [];
    private List<string> _tipExtremities = [];
    private long _depth;
    private int _counter;

    public TestRoom(string? roomId = null) => RoomId = roomId ?? $"!{Guid.NewGuid():N}:test.example";

    public string RoomId { get; }

    /// <summary>The model's current state: the state after the last event made.</summary>
    public StateMap State { get; private set; } = new();

    public string? CreateEventId { get; private set; }

    public IReadOnlyList<string> Extremities => _tipExtremities;

    public EventToPersist Next(
        string type,
        string? stateKey = null,
        string sender = "@alice:test.example",
        string? membership = null,
        string? rejectionReason = null,
        bool softFailed = false,
        ClientTransactionKey? transaction = null,
        IReadOnlyList<string>? authEvents = null,
        StateMap? stateBefore = null)
    {
        var eventId = $"${RoomId[1..9]}_{++_counter}_{Guid.NewGuid():N}";
        var before = new StateMap(stateBefore ?? State);
        var auth = authEvents ?? (CreateEventId is null ? [] : [CreateEventId]);
        var json = Encoding.UTF8.GetBytes($$"""{"type":"{{type}}","room_id":"{{RoomId}}","n":{{_counter}}}""");
        var e = new EventToPersist(eventId, RoomId, type, stateKey, sender, ++_depth, 1_700_000_000_000 + _counter, json,
            [.. _tipExtremities], auth, Redacts: null, IsOutlier: false, rejectionReason, softFailed, before, membership, transaction);
        CreateEventId ??= type == "m.room.create" ? eventId : null;
        State = new StateMap(before);
        if (stateKey is not null && rejectionReason is null)
            State[(type, stateKey)] = eventId;
        _tipExtremities = [eventId];
        return e;
    }

    public EventToPersist Member(string userId, string membership) =>
        Next("m.room.member", userId, sender: userId, membership: membership);

    public EventToPersist Message(string sender = "@alice:test.example", ClientTransactionKey? transaction = null) =>
        Next("m.room.message", sender: sender, transaction: transaction);

    /// <summary>The events made since the last batch, as one batch (creating the room when <paramref name="newRoom"/>).</summary>
    public RoomEventBatch Batch(IReadOnlyList<EventToPersist> events, bool newRoom = false, bool changesState = true)
    {
        var batch = new RoomEventBatch(RoomId, events, [.. _batchStartExtremities], [.. _tipExtremities],
            changesState ? new StateMap(State) : null,
            newRoom ? new NewRoom("10", "@alice:test.example", CreateEventId!) : null);
        _batchStartExtremities.Clear();
        _batchStartExtremities.AddRange(_tipExtremities);
        return batch;
    }

    /// <summary>A new room: create event and the creator's join, as one batch.</summary>
    public RoomEventBatch Create(string creator = "@alice:test.example")
    {
        var create = Next("m.room.create", "", sender: creator);
        var join = Member(creator, "join");
        return Batch([create, join], newRoom: true) with { NewRoom = new NewRoom("10", creator, create.EventId) };
    }
}
