using Homeserver.Notifications;

namespace Homeserver.Tests.Notifications;

public sealed class PushEvaluationProgressTests
{
    [Fact]
    public async Task A_room_is_waited_on_while_a_sync_waits_for_its_pending_evaluation()
    {
        var progress = new PushEvaluationProgress();
        progress.Queued("!busy", 5);

        // Nothing pending in !idle: the wait returns at once and marks nothing.
        await progress.WaitUntilEvaluatedAsync("!idle", 10, TimeSpan.FromSeconds(30), CancellationToken.None);
        progress.RoomsWaitedOn().Should().BeEmpty();

        var wait = progress.WaitUntilEvaluatedAsync("!busy", 5, TimeSpan.FromSeconds(30), CancellationToken.None);
        progress.RoomsWaitedOn().Should().Equal("!busy");
        wait.IsCompleted.Should().BeFalse();

        progress.Done("!busy", 5);
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        progress.RoomsWaitedOn().Should().BeEmpty();
    }
}
