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
        await setup.Notifications.RecordAsync(new NotificationWrites { UserNotifications = batch, ReadMarks = marks }, None);

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

    private sealed record JoinedSetup(NotificationStore Notifications, ReceiptStore Receipts, RoomEventStore Events, TestRoom Room,
        long JoinedAt, List<(string EventId, long Position, string Sender)> Messages);

    /// <summary>A room where alice sends a message, bob joins, alice sends four more and bob one.</summary>
    private async Task<JoinedSetup> SetupJoinedAsync()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var events = new RoomEventStore(database);
        var room = new TestRoom();
        await events.PersistAsync(room.Create(), None);
        var before = room.Message();
        await events.PersistAsync(room.Batch([before]), None);
        var join = room.Member(_bob, "join");
        await events.PersistAsync(room.Batch([join]), None);
        List<EventToPersist> after = [room.Message(), room.Message(), room.Message(), room.Message(), room.Message(_bob)];
        await events.PersistAsync(room.Batch(after, changesState: false), None);
        var messages = new List<(string, long, string)>();
        foreach (var message in (List<EventToPersist>)[before, .. after])
            messages.Add((message.EventId, (await events.GetEventAsync(message.EventId, None))!.StreamOrdering!.Value, message.Sender));
        var joinedAt = (await events.GetEventAsync(join.EventId, None))!.StreamOrdering!.Value;
        return new JoinedSetup(new NotificationStore(database), new ReceiptStore(database), events, room, joinedAt, messages);
    }

    private static RoomNotificationRecord RoomNotification(JoinedSetup setup, int index, bool highlight = false) =>
        new(setup.Room.RoomId, setup.Messages[index].EventId, setup.Messages[index].Position, "main", setup.Messages[index].Sender, highlight,
            """["notify"]""", 2_000 + index);

    private async Task<Dictionary<string, (long, long)>> CountsAsync(JoinedSetup setup, string? user = null) =>
        (await setup.Notifications.GetUnreadCountsAsync(user ?? _bob, setup.Room.RoomId, None))
            .ToDictionary(c => c.ThreadId, c => (c.NotificationCount, c.HighlightCount));

    [SkippableFact]
    public async Task Room_notifications_count_for_joined_members_from_their_join_except_their_own_events_and_own_rows()
    {
        var setup = await SetupJoinedAsync();
        var m = setup.Messages;
        await setup.Notifications.RecordAsync(new NotificationWrites
        {
            RoomNotifications = [.. Enumerable.Range(0, 6).Select(i => RoomNotification(setup, i))],
            AudienceChanges = [new NotificationAudienceChange(_bob, setup.Room.RoomId, setup.JoinedAt, Joined: true)],
        }, None);
        // Messages 1 to 4: 0 came before bob's join and 5 is his own.
        (await CountsAsync(setup)).Should().BeEquivalentTo(new Dictionary<string, (long, long)> { ["main"] = (4, 0) });
        // Written again (a retried evaluation), nothing changes.
        await setup.Notifications.RecordAsync(new NotificationWrites { RoomNotifications = [RoomNotification(setup, 1, highlight: true)] }, None);

        await setup.Notifications.RecordAsync(new NotificationWrites
        {
            Suppressions = [new NotificationSuppression(_bob, setup.Room.RoomId, m[2].EventId, m[2].Position, "main")],
            UserNotifications = [new NotificationRecord(_bob, setup.Room.RoomId, m[3].EventId, m[3].Position, "main", true, """["notify",{"set_tweak":"highlight"}]""", 7)],
        }, None);
        (await CountsAsync(setup))["main"].Should().Be((3, 1));

        var page = await setup.Notifications.GetPageAsync(_bob, null, 10, onlyHighlight: false, None);
        page.Select(n => (n.EventId, n.Highlight, n.UserId)).Should().Equal((m[4].EventId, false, _bob), (m[3].EventId, true, _bob), (m[1].EventId, false, _bob));
        page[1].ActionsJson.Should().Contain("highlight");
        page[2].Ts.Should().Be(2_001);
        (await setup.Notifications.GetPageAsync(_bob, page[0].StreamOrdering, 1, onlyHighlight: false, None)).Select(n => n.EventId).Should().Equal(m[3].EventId);
        (await setup.Notifications.GetPageAsync(_bob, null, 10, onlyHighlight: true, None)).Select(n => n.EventId).Should().Equal(m[3].EventId);
        (await setup.Notifications.GetRoomsWithNotificationsAsync(_bob, None)).Should().Equal(setup.Room.RoomId);

        await setup.Receipts.SetAsync(new ReceiptRecord(setup.Room.RoomId, "m.read", _bob, "", m[3].EventId, 1, 0), None);
        (await CountsAsync(setup))["main"].Should().Be((1, 0));

        // Carol never joined: the room's notifications are not hers.
        var carol = $"@carol{Guid.NewGuid():N}:test.example";
        (await CountsAsync(setup, carol)).Should().BeEmpty();
        (await setup.Notifications.GetPageAsync(carol, null, 10, onlyHighlight: false, None)).Should().BeEmpty();
        (await setup.Notifications.GetRoomsWithNotificationsAsync(carol, None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_member_who_left_counts_only_their_own_notifications_and_lists_those_of_the_times_they_were_joined()
    {
        var setup = await SetupJoinedAsync();
        var m = setup.Messages;
        var roomId = setup.Room.RoomId;
        await setup.Notifications.RecordAsync(new NotificationWrites
        {
            RoomNotifications = [.. Enumerable.Range(0, 6).Select(i => RoomNotification(setup, i))],
            UserNotifications = [new NotificationRecord(_bob, roomId, m[3].EventId, m[3].Position, "main", true, """["notify"]""", 7)],
            AudienceChanges = [new NotificationAudienceChange(_bob, roomId, setup.JoinedAt, Joined: true)],
        }, None);
        var leave = setup.Room.Member(_bob, "leave");
        await setup.Events.PersistAsync(setup.Room.Batch([leave]), None);
        var leftAt = (await setup.Events.GetEventAsync(leave.EventId, None))!.StreamOrdering!.Value;
        var whileAway = setup.Room.Message();
        await setup.Events.PersistAsync(setup.Room.Batch([whileAway], changesState: false), None);
        var whileAwayAt = (await setup.Events.GetEventAsync(whileAway.EventId, None))!.StreamOrdering!.Value;
        await setup.Notifications.RecordAsync(new NotificationWrites
        {
            RoomNotifications = [new RoomNotificationRecord(roomId, whileAway.EventId, whileAwayAt, "main", "@alice:test.example", false, """["notify"]""", 8)],
            AudienceChanges = [new NotificationAudienceChange(_bob, roomId, leftAt, Joined: false)],
        }, None);
        (await CountsAsync(setup))["main"].Should().Be((1, 1));
        (await setup.Notifications.GetPageAsync(_bob, null, 10, onlyHighlight: false, None)).Select(n => n.EventId)
            .Should().Equal(m[4].EventId, m[3].EventId, m[2].EventId, m[1].EventId);

        var rejoin = setup.Room.Member(_bob, "join");
        await setup.Events.PersistAsync(setup.Room.Batch([rejoin]), None);
        var rejoinedAt = (await setup.Events.GetEventAsync(rejoin.EventId, None))!.StreamOrdering!.Value;
        var later = setup.Room.Message();
        await setup.Events.PersistAsync(setup.Room.Batch([later], changesState: false), None);
        var laterAt = (await setup.Events.GetEventAsync(later.EventId, None))!.StreamOrdering!.Value;
        await setup.Notifications.RecordAsync(new NotificationWrites
        {
            RoomNotifications = [new RoomNotificationRecord(roomId, later.EventId, laterAt, "main", "@alice:test.example", false, """["notify"]""", 9)],
            // The leave again (a retried evaluation) changes nothing.
            AudienceChanges = [new NotificationAudienceChange(_bob, roomId, leftAt, Joined: false), new NotificationAudienceChange(_bob, roomId, rejoinedAt, Joined: true)],
        }, None);
        // Nothing from before the rejoin counts again, except his own row.
        (await CountsAsync(setup))["main"].Should().Be((2, 1));
        (await setup.Notifications.GetPageAsync(_bob, null, 10, onlyHighlight: false, None)).Select(n => n.EventId)
            .Should().Equal(later.EventId, m[4].EventId, m[3].EventId, m[2].EventId, m[1].EventId);
    }

    [SkippableFact]
    public async Task Counts_of_many_rooms_come_from_one_call()
    {
        var first = await SetupJoinedAsync();
        var second = await SetupJoinedAsync();
        foreach (var setup in (JoinedSetup[])[first, second])
            await setup.Notifications.RecordAsync(new NotificationWrites
            {
                RoomNotifications = [.. Enumerable.Range(0, 6).Select(i => RoomNotification(setup, i))],
                AudienceChanges = [new NotificationAudienceChange(_bob, setup.Room.RoomId, setup.JoinedAt, Joined: true)],
            }, None);
        await second.Notifications.RecordAsync(new NotificationWrites
        {
            UserNotifications = [new NotificationRecord(_bob, second.Room.RoomId, second.Messages[4].EventId, second.Messages[4].Position, "$t", true, """["notify"]""", 1)],
        }, None);
        await first.Receipts.SetAsync(new ReceiptRecord(first.Room.RoomId, "m.read", _bob, "", first.Messages[2].EventId, 1, 0), None);
        await second.Receipts.SetAsync(new ReceiptRecord(second.Room.RoomId, "m.read", _bob, "$t", second.Messages[3].EventId, 1, 0), None);

        var counts = await first.Notifications.GetUnreadCountsAsync(_bob, [first.Room.RoomId, second.Room.RoomId, "!empty:test.example"], None);

        counts.Keys.Should().BeEquivalentTo([first.Room.RoomId, second.Room.RoomId]);
        counts[first.Room.RoomId].Should().BeEquivalentTo([new ThreadNotificationCounts("main", 2, 0)]);
        // The threaded receipt reads its own thread only: message 4 is bob's own row there, and unread.
        counts[second.Room.RoomId].Should().BeEquivalentTo([new ThreadNotificationCounts("main", 3, 0), new ThreadNotificationCounts("$t", 1, 1)]);
        (await first.Notifications.GetUnreadCountsAsync(_bob, Array.Empty<string>(), None)).Should().BeEmpty();
    }
}

public sealed class SqliteNotificationStoreTests(SqliteBackendFixture fixture) : NotificationStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresNotificationStoreTests(PostgresBackendFixture fixture) : NotificationStoreTests<PostgresBackendFixture>(fixture);
