using Homeserver.Federation.Rooms;
using Homeserver.Sync;

namespace Homeserver.Tests.ClientApi.Sync;

/// <summary>The typing expiry timer sleeps while nobody types (it once fired in a loop, keeping a core busy).</summary>
public sealed class TypingTrackerTimerTests
{
    /// <summary>The system clock, counting how often timer callbacks run.</summary>
    private sealed class CountingTimeProvider : TimeProvider
    {
        private int _callbacks;

        public int Callbacks => Volatile.Read(ref _callbacks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(s =>
            {
                Interlocked.Increment(ref _callbacks);
                callback(s);
            }, state, dueTime, period);
    }

    [Fact]
    public async Task No_timer_callbacks_run_while_nobody_types()
    {
        var time = new CountingTimeProvider();
        var tracker = new TypingTracker(new SyncWakeups(new InProcessRoomEventNotifier()), time);
        tracker.SetTyping("!r:x", "@a:x", typing: true, TimeSpan.FromSeconds(30));
        tracker.SetTyping("!r:x", "@a:x", typing: false, TimeSpan.Zero);
        _ = tracker.CurrentPosition;

        await Task.Delay(300);
        time.Callbacks.Should().BeLessThan(3, "an idle tracker schedules no expiry");
    }
}
