using FluentAssertions;
using Homeserver.Federation.Rooms;
using Homeserver.Sync;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Homeserver.Tests.ClientApi.Sync;

/// <summary>A presence change wakes the waiting syncs of users who share a room with the changed user, not the others.</summary>
public sealed class PresenceWakeupsTests
{
    private readonly SyncWakeups _wakeups = new(new InProcessRoomEventNotifier());

    [Fact]
    public async Task Only_syncs_waiting_on_a_room_the_user_is_joined_to_wake()
    {
        var rooms = new Dictionary<string, IReadOnlyList<string>> { ["@bob:x"] = ["!shared:x", "!other:x"] };
        var presence = new PresenceWakeups(_wakeups, (userId, _) => Task.FromResult(rooms.GetValueOrDefault(userId) ?? []), NullLogger.Instance);
        using var alice = _wakeups.Wait(_wakeups.BeginRead(), "@alice:x", ["!shared:x"]);
        using var carol = _wakeups.Wait(_wakeups.BeginRead(), "@carol:x", ["!elsewhere:x"]);

        await presence.SignalAsync("@bob:x");

        alice.Task.IsCompleted.Should().BeTrue();
        carol.Task.IsCompleted.Should().BeFalse("Carol shares no room with Bob");
    }

    [Fact]
    public async Task When_the_rooms_cannot_be_read_every_waiting_sync_wakes()
    {
        var presence = new PresenceWakeups(_wakeups, (_, _) => throw new InvalidOperationException("database down"), NullLogger.Instance);
        using var carol = _wakeups.Wait(_wakeups.BeginRead(), "@carol:x", ["!elsewhere:x"]);

        await presence.SignalAsync("@bob:x");

        carol.Task.IsCompleted.Should().BeTrue();
    }
}
