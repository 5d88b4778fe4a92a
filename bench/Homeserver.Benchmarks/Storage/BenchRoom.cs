using System.Text;
using Homeserver.Storage.Events;

namespace Homeserver.Benchmarks.Storage;

/// <summary>
/// A room grown linearly the way the pipeline would: each event points at the previous one and
/// carries the current state as its state before. Not thread-safe: one writer per room.
/// </summary>
internal sealed class BenchRoom(string roomId)
{
    private static readonly string Padding = new('x', 43);
    private string? _tip;
    private string? _createId;
    private long _depth;
    private int _counter;

    public string RoomId { get; } = roomId;

    public StateMap State { get; private set; } = new();

    public RoomEventBatch Create(string creator)
    {
        var create = Next("m.room.create", "", creator, null, out var expected);
        var join = Next("m.room.member", creator, creator, "join", out _);
        return new RoomEventBatch(RoomId, [create, join], expected, [join.EventId], new StateMap(State), new NewRoom("10", creator, create.EventId));
    }

    public RoomEventBatch Message(string sender)
    {
        var e = Next("m.room.message", null, sender, null, out var expected);
        return new RoomEventBatch(RoomId, [e], expected, [e.EventId], NewCurrentState: null);
    }

    /// <summary>Several membership changes as one batch.</summary>
    public RoomEventBatch Memberships(IEnumerable<(string UserId, string Membership)> changes)
    {
        var expected = _tip is null ? Array.Empty<string>() : [_tip];
        var events = changes.Select(c => Next("m.room.member", c.UserId, c.UserId, c.Membership, out _)).ToList();
        return new RoomEventBatch(RoomId, events, expected, [_tip!], new StateMap(State));
    }

    private EventToPersist Next(string type, string? stateKey, string sender, string? membership, out string[] expected)
    {
        expected = _tip is null ? [] : [_tip];
        var n = ++_counter;
        // A realistic size: an event id of a reference hash and JSON shaped like a signed v10 event.
        var eventId = "$" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=') + Padding[..21];
        var content = membership is null ? $$"""{"body":"message number {{n}} of the benchmark","msgtype":"m.text"}""" : $$"""{"membership":"{{membership}}"}""";
        var stateKeyField = stateKey is null ? "" : $",\"state_key\":\"{stateKey}\"";
        var json = Encoding.UTF8.GetBytes(
            $"{{\"auth_events\":[\"{_createId}\"],\"content\":{content},\"depth\":{_depth + 1},\"hashes\":{{\"sha256\":\"{Padding}\"}}," +
            $"\"origin_server_ts\":{1_700_000_000_000 + n},\"prev_events\":[\"{_tip}\"],\"room_id\":\"{RoomId}\",\"sender\":\"{sender}\"," +
            $"\"signatures\":{{\"bench.example\":{{\"ed25519:a\":\"{Padding}{Padding}\"}}}}{stateKeyField},\"type\":\"{type}\"}}");
        var e = new EventToPersist(eventId, RoomId, type, stateKey, sender, ++_depth, 1_700_000_000_000 + n, json,
            _tip is null ? [] : [_tip], _createId is null ? [] : [_createId], null, false, null, false, State, membership);
        if (stateKey is not null)
            State = new StateMap(State) { [(type, stateKey)] = eventId };
        _createId ??= eventId;
        _tip = eventId;
        return e;
    }
}
