using Homeserver.Storage.Events;
using Homeserver.Storage.Push;
using Homeserver.Storage.Receipts;
using Homeserver.Tests.Storage.Events;

namespace Homeserver.Tests.Storage.Push;

/// <summary>Notifications, read positions from receipts and own events, and counts, run against each backend below.</summary>
public abstract class NotificationStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;
    /// <summary>The database is shared by the tests of the class: each test has its own reader.</summary>
    private readonly string _bob = $"@bob{Guid.NewGuid():N}:test.example";

    private sealed record Setup(NotificationStore Notifications, ReceiptStore Receipts, string RoomId, List<(string EventId, long Position)> Messages);

    /// <summary>A room with five messages from alice, stored as events.</summary>
    private async Task<Setup> SetupAsync()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var events = new RoomEventStore(database);
        var room = new TestRoom();
        await events.PersistAsync(room.Create(), None);
        var messages = Enumerable.Range(0, 5).Select(_ => room.Message()).ToList();
        await events.PersistAsync(room.Batch(messages, changesState: false), None);
        var positions = new List<(string, long)>();
        foreach (var message in messages)
            positions.Add((message.EventId, (await events.GetEventAsync(message.EventId, None))!.StreamOrdering!.Value));
        return new Setup(new NotificationStore(database), new ReceiptStore(database), room.RoomId, positions);
    }

    private NotificationRecord Notification(Setup setup, int index, string thread = "main", bool highlight = false, string? user = null) =>
        new(user ?? _bob, setup.RoomId, setup.Messages[index].EventId, setup.Messages[index].Position, thread, highlight, """["notify"]""", 1_000 + index);

    private Task ReceiptAsync(Setup setup, int index, string type = "m.read", string thread = "") =>
        setup.Receipts.SetAsync(new ReceiptRecord(setup.RoomId, type, _bob, thread, setup.Messages[index].EventId, 1, 0), None);

    private async Task<Dictionary<string, (long, long)>> CountsAsync(Setup setup) =>
        (await setup.Notifications.GetUnreadCountsAsync(_bob, setup.RoomId, None))
            .ToDictionary(c => c.ThreadId, c => (c.NotificationCount, c.HighlightCount));

    [SkippableFact]
    public async Task Counts_are_notifications_after_the_furthest_read_receipt()
    {
        var setup = await SetupAsync();
        await setup.Notifications.AddAsync([Notification(setup, 0), Notification(setup, 1, highlight: true), Notification(setup, 2),
            Notification(setup, 3, user: "@carol:test.example")], None);
        await setup.Notifications.AddAsync([Notification(setup, 2)], None);

        (await CountsAsync(setup)).Should().BeEquivalentTo(new Dictionary<string, (long, long)> { ["main"] = (3, 1) });
        await ReceiptAsync(setup, 0);
        (await CountsAsync(setup))["main"].Should().Be((2, 1));
        await ReceiptAsync(setup, 1, type: "m.read.private");
        (await CountsAsync(setup))["main"].Should().Be((1, 0));
        // A public receipt further back changes nothing: the furthest one counts.
        await ReceiptAsync(setup, 0);
        (await CountsAsync(setup))["main"].Should().Be((1, 0));
        await ReceiptAsync(setup, 2);
        (await CountsAsync(setup)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task One_record_writes_many_rows_keeps_existing_ones_and_takes_the_highest_read_mark()
    {
        var setup = await SetupAsync();
        await setup.Notifications.AddAsync([Notification(setup, 0, highlight: true)], None);
        // Far more rows than one statement takes: the write is split, in one transaction.
        var others = Enumerable.Range(0, NotificationStore.MaxRowsPerStatement + 1)
            .Select(i => Notification(setup, 1, user: $"@other{i}{_bob}")).ToList();
        List<NotificationRecord> batch = [Notification(setup, 0), Notification(setup, 1, thread: "$root"), Notification(setup, 2), .. others];
        List<SentEventReadMark> marks =
        [
            new(_bob, setup.RoomId, "main", setup.Messages[2].Position),
            new(_bob, setup.RoomId, "main", setup.Messages[1].Position),
            new(_bob, setup.RoomId, "$root", setup.Messages[0].Position),
        ];
        await setup.Notifications.RecordAsync(batch, marks, None);

        var page = await setup.Notifications.GetPageAsync(_bob, null, 10, onlyHighlight: false, None);
        page.Select(n => (n.EventId, n.ThreadId, n.Highlight)).Should().Equal(
            (setup.Messages[2].EventId, "main", false), (setup.Messages[1].EventId, "$root", false), (setup.Messages[0].EventId, "main", true));
        (await setup.Notifications.GetPageAsync($"@other5000{_bob}", null, 10, onlyHighlight: false, None)).Should().ContainSingle();
        var read = await setup.Notifications.GetReadPositionsAsync(_bob, setup.RoomId, None);
        read.For("main").Should().Be(setup.Messages[2].Position);
        read.For("$root").Should().Be(setup.Messages[0].Position);
        (await CountsAsync(setup)).Should().BeEquivalentTo(new Dictionary<string, (long, long)> { ["$root"] = (1, 0) });
    }

    [SkippableFact]
    public async Task Threaded_receipts_and_own_events_read_their_thread_only()
    {
        var setup = await SetupAsync();
        await setup.Notifications.AddAsync([Notification(setup, 0), Notification(setup, 1, thread: "$root"), Notification(setup, 2, thread: "$root"),
            Notification(setup, 3), Notification(setup, 4, thread: "$other")], None);

        (await CountsAsync(setup)).Should().BeEquivalentTo(new Dictionary<string, (long, long)> { ["main"] = (2, 0), ["$root"] = (2, 0), ["$other"] = (1, 0) });
        await ReceiptAsync(setup, 1, thread: "$root");
        (await CountsAsync(setup)).Should().BeEquivalentTo(new Dictionary<string, (long, long)> { ["main"] = (2, 0), ["$root"] = (1, 0), ["$other"] = (1, 0) });
        await setup.Notifications.MarkReadBySendingAsync(_bob, setup.RoomId, "main", setup.Messages[3].Position, None);
        await setup.Notifications.MarkReadBySendingAsync(_bob, setup.RoomId, "main", setup.Messages[0].Position, None);
        (await CountsAsync(setup)).Should().BeEquivalentTo(new Dictionary<string, (long, long)> { ["$root"] = (1, 0), ["$other"] = (1, 0) });
        // An unthreaded receipt reads every thread up to its event.
        await ReceiptAsync(setup, 3);
        (await CountsAsync(setup)).Should().BeEquivalentTo(new Dictionary<string, (long, long)> { ["$other"] = (1, 0) });

        var read = await setup.Notifications.GetReadPositionsAsync(_bob, setup.RoomId, None);
        read.Unthreaded.Should().Be(setup.Messages[3].Position);
        read.For("$root").Should().Be(setup.Messages[3].Position);
        read.For("main").Should().Be(setup.Messages[3].Position);
        (await setup.Notifications.GetRoomsWithNotificationsAsync(_bob, None)).Should().Equal(setup.RoomId);
    }

    [SkippableFact]
    public async Task Pages_come_newest_first_with_an_optional_highlight_filter()
    {
        var setup = await SetupAsync();
        await setup.Notifications.AddAsync([Notification(setup, 0, highlight: true), Notification(setup, 1), Notification(setup, 2, highlight: true),
            Notification(setup, 3)], None);

        var first = await setup.Notifications.GetPageAsync(_bob, null, 3, false, None);
        first.Select(n => n.EventId).Should().Equal(setup.Messages[3].EventId, setup.Messages[2].EventId, setup.Messages[1].EventId);
        first[1].Highlight.Should().BeTrue();
        first[1].Ts.Should().Be(1_002);
        (await setup.Notifications.GetPageAsync(_bob, first[^1].StreamOrdering, 3, false, None)).Select(n => n.EventId)
            .Should().Equal(setup.Messages[0].EventId);
        (await setup.Notifications.GetPageAsync(_bob, null, 10, true, None)).Select(n => n.EventId)
            .Should().Equal(setup.Messages[2].EventId, setup.Messages[0].EventId);
    }
}

public sealed class SqliteNotificationStoreTests(SqliteBackendFixture fixture) : NotificationStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresNotificationStoreTests(PostgresBackendFixture fixture) : NotificationStoreTests<PostgresBackendFixture>(fixture);
