using Homeserver.Federation.Rooms;
using Homeserver.Notifications;

namespace Homeserver.Tests.Notifications;

public sealed class RoomRoundRobinTests
{
    private static RoomEventsCommitted Batch(string roomId, long position, int events = 1) =>
        new(roomId, [.. Enumerable.Range(0, events).Select(i => $"${roomId}_{position}_{i}")], position);

    [Fact]
    public void A_quiet_room_is_taken_in_the_next_step_however_much_a_busy_room_has_waiting()
    {
        var waiting = new RoomRoundRobin();
        for (var i = 1; i <= 1_000; i++)
            waiting.Add(Batch("!busy", i, events: 30));
        waiting.TakeStep(maxEvents: 64, maxBatches: 100);
        waiting.Add(Batch("!quiet", 5_000));

        var step = waiting.TakeStep(maxEvents: 64, maxBatches: 100);

        step.Select(b => b.RoomId).Should().Contain("!quiet");
        step.Sum(b => b.EventIds.Count).Should().BeLessThanOrEqualTo(64 + 30);
    }

    [Fact]
    public void Each_room_keeps_the_order_of_its_batches_and_every_batch_is_taken_once()
    {
        var waiting = new RoomRoundRobin();
        for (var i = 1; i <= 20; i++)
        {
            waiting.Add(Batch("!a", i, events: i % 3 + 1));
            if (i % 2 == 0) waiting.Add(Batch("!b", 100 + i));
        }
        waiting.Count.Should().Be(30);

        var taken = new List<RoomEventsCommitted>();
        while (waiting.Count > 0)
        {
            var step = waiting.TakeStep(maxEvents: 5, maxBatches: 3);
            step.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(3);
            taken.AddRange(step);
        }

        taken.Should().HaveCount(30).And.OnlyHaveUniqueItems();
        taken.Where(b => b.RoomId == "!a").Select(b => b.MaxStreamOrdering).Should().BeInAscendingOrder().And.HaveCount(20);
        taken.Where(b => b.RoomId == "!b").Select(b => b.MaxStreamOrdering).Should().BeInAscendingOrder().And.HaveCount(10);
        waiting.TakeStep(5, 3).Should().BeEmpty();
    }

    [Fact]
    public void A_batch_larger_than_the_event_limit_is_taken_alone()
    {
        var waiting = new RoomRoundRobin();
        waiting.Add(Batch("!a", 1, events: 200));
        waiting.Add(Batch("!b", 2));

        waiting.TakeStep(maxEvents: 64, maxBatches: 100).Should().ContainSingle().Which.RoomId.Should().Be("!a");
        waiting.TakeStep(maxEvents: 64, maxBatches: 100).Should().ContainSingle().Which.RoomId.Should().Be("!b");
    }

    [Fact]
    public void Rooms_a_sync_waits_for_go_before_the_turns_and_keep_their_order()
    {
        var waiting = new RoomRoundRobin();
        for (var i = 1; i <= 50; i++)
            waiting.Add(Batch($"!busy{i}", i, events: 1));
        waiting.Add(Batch("!waited", 100));
        waiting.Add(Batch("!waited", 101));

        var step = waiting.TakeStep(maxEvents: 4, maxBatches: 100, urgentRooms: ["!waited", "!gone"]);

        step.Take(2).Select(b => b.MaxStreamOrdering).Should().Equal(100, 101);
        step.Should().HaveCount(4);
        // The waited room's emptied turn is skipped; every other batch is still taken once.
        var rest = new List<RoomEventsCommitted>();
        while (waiting.Count > 0)
            rest.AddRange(waiting.TakeStep(maxEvents: 4, maxBatches: 100));
        rest.Concat(step).Should().HaveCount(52).And.OnlyHaveUniqueItems();
        rest.Should().NotContain(b => b.RoomId == "!waited");

        waiting.Add(Batch("!waited", 102));
        waiting.TakeStep(maxEvents: 4, maxBatches: 100).Should().ContainSingle().Which.MaxStreamOrdering.Should().Be(102);
        waiting.Count.Should().Be(0);
    }
}
