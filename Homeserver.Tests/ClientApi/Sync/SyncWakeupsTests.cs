using FluentAssertions;
using Homeserver.Federation.Rooms;
using Homeserver.Sync;
using Xunit;

namespace Homeserver.Tests.ClientApi.Sync;

/// <summary>Waiting syncs wake for their own user and rooms only, and never miss a signal that came during their read.</summary>
public sealed class SyncWakeupsTests
{
    private readonly InProcessRoomEventNotifier _notifier = new();
    private readonly SyncWakeups _wakeups;

    public SyncWakeupsTests() => _wakeups = new SyncWakeups(_notifier);

    [Fact]
    public void A_signal_for_another_user_or_room_does_not_wake_a_wait()
    {
        using var wait = _wakeups.Wait(_wakeups.BeginRead(), "@a:x", ["!r1:x"]);
        _wakeups.SignalUser("@b:x");
        _wakeups.SignalRoom("!r2:x");
        _notifier.NotifyCommitted(new RoomEventsCommitted("!r3:x", ["$e"], 1, ["@c:x"]));
        wait.Task.IsCompleted.Should().BeFalse();
        _wakeups.WaitingCount.Should().Be(1);
    }

    [Fact]
    public void Own_user_own_room_committed_events_and_membership_changes_wake_a_wait()
    {
        using var byUser = _wakeups.Wait(_wakeups.BeginRead(), "@a:x", ["!r1:x"]);
        using var byRoom = _wakeups.Wait(_wakeups.BeginRead(), "@b:x", ["!r1:x"]);
        using var byCommit = _wakeups.Wait(_wakeups.BeginRead(), "@c:x", ["!r2:x"]);
        using var byInvite = _wakeups.Wait(_wakeups.BeginRead(), "@d:x", []);

        _wakeups.SignalUser("@a:x");
        byUser.Task.IsCompleted.Should().BeTrue();
        byRoom.Task.IsCompleted.Should().BeFalse();

        _wakeups.SignalRoom("!r1:x");
        byRoom.Task.IsCompleted.Should().BeTrue();

        _notifier.NotifyCommitted(new RoomEventsCommitted("!r2:x", ["$e"], 1));
        byCommit.Task.IsCompleted.Should().BeTrue();

        _notifier.NotifyCommitted(new RoomEventsCommitted("!new:x", ["$i"], 2, ["@d:x"]));
        byInvite.Task.IsCompleted.Should().BeTrue();
        _wakeups.WaitingCount.Should().Be(0);
    }

    [Fact]
    public void A_signal_during_the_read_completes_the_wait_at_once()
    {
        var ticket = _wakeups.BeginRead();
        _wakeups.SignalRoom("!r1:x");
        using var wait = _wakeups.Wait(ticket, "@a:x", ["!r1:x"]);
        wait.Task.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public void A_signal_before_the_read_does_not()
    {
        _wakeups.SignalRoom("!r1:x");
        using var wait = _wakeups.Wait(_wakeups.BeginRead(), "@a:x", ["!r1:x"]);
        wait.Task.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public void Signal_all_wakes_everyone_and_disposing_unregisters()
    {
        var first = _wakeups.Wait(_wakeups.BeginRead(), "@a:x", ["!r1:x"]);
        first.Dispose();
        _wakeups.WaitingCount.Should().Be(0);

        using var second = _wakeups.Wait(_wakeups.BeginRead(), "@b:x", ["!r2:x", "!r3:x"]);
        _wakeups.SignalAll();
        second.Task.IsCompleted.Should().BeTrue();
        first.Task.IsCompleted.Should().BeFalse();
    }
}
