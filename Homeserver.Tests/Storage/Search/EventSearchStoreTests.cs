using Homeserver.Storage.Events;
using Homeserver.Storage.Search;
using Homeserver.Tests.Storage.Events;

namespace Homeserver.Tests.Storage.Search;

/// <summary>The search index: reading the stream to index, full-text matching, ranking, paging and removal, run against each backend below.</summary>
public abstract class EventSearchStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string[] Types = ["m.room.message", "m.room.name", "m.room.topic"];
    private static readonly string[] AllKeys = ["content.body", "content.name", "content.topic"];

    private sealed record Setup(EventSearchStore Search, RoomEventStore Events, TestRoom Room, List<IndexableEvent> Rows);

    /// <summary>A room with the given events after its creation, persisted, and their stream rows as the indexer reads them.</summary>
    private async Task<Setup> SetupAsync(Func<TestRoom, IReadOnlyList<EventToPersist>> make)
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var events = new RoomEventStore(database);
        var room = new TestRoom();
        await events.PersistAsync(room.Create(), None);
        var made = make(room);
        var before = await events.GetMaxStreamOrderingAsync(None);
        await events.PersistAsync(room.Batch(made), None);
        var search = new EventSearchStore(database);
        var rows = await search.GetEventsToIndexAsync(before, await events.GetMaxStreamOrderingAsync(None), Types, None);
        return new Setup(search, events, room, [.. rows.Where(r => r.RoomId == room.RoomId)]);
    }

    private static SearchEntry Entry(IndexableEvent row, string value, string key = "content.body") =>
        new(row.EventNid, row.RoomId, row.Sender, key, row.StreamOrdering, value);

    private static SearchQuery Query(Setup setup, string[] terms, bool byRank = true, string[]? keys = null, int limit = 10, int offset = 0,
        long upTo = long.MaxValue) =>
        new(terms, [setup.Room.RoomId], keys ?? AllKeys, byRank, upTo, offset, limit);

    private static async Task<List<string>> IdsAsync(Setup setup, SearchQuery query) =>
        [.. (await setup.Search.SearchAsync(query, None)).Select(h => h.EventId)];

    [SkippableFact]
    public async Task Reads_the_searchable_types_and_redactions_of_a_stream_range_in_order_without_rejected_or_soft_failed_events()
    {
        var setup = await SetupAsync(room =>
        [
            room.Message(),
            room.Next("m.room.topic", ""),
            room.Next("org.example.other"),
            room.Next("m.room.message", rejectionReason: "bad"),
            room.Next("m.room.message", softFailed: true),
            room.Next("m.room.redaction") with { Redacts = "$target" },
        ]);
        setup.Rows.Select(r => r.Type).Should().Equal("m.room.message", "m.room.topic", "m.room.redaction");
        setup.Rows.Select(r => r.StreamOrdering).Should().BeInAscendingOrder();
        setup.Rows[1].StateKey.Should().Be("");
        setup.Rows[2].Redacts.Should().Be("$target");
        setup.Rows[0].Json.Should().NotBeEmpty();

        var first = setup.Rows[0].StreamOrdering;
        (await setup.Search.GetEventsToIndexAsync(first, first + 1, Types, None)).Select(r => r.Type).Should().Equal("m.room.topic");
    }

    [SkippableFact]
    public async Task Matches_every_term_as_a_case_insensitive_prefix_within_the_rooms_and_keys_asked()
    {
        var setup = await SetupAsync(room => [room.Message(), room.Message(), room.Next("m.room.name", ""), room.Message()]);
        var rows = setup.Rows;
        await setup.Search.IndexAsync([Entry(rows[0], "Martians and men"), Entry(rows[1], "men only"), Entry(rows[2], "Martian Base", "content.name"),
            Entry(rows[3], "Ünïcode café")], [], 0, None);

        (await IdsAsync(setup, Query(setup, ["martian"]))).Should().BeEquivalentTo([rows[0].EventId, rows[2].EventId]);
        (await IdsAsync(setup, Query(setup, ["martians", "men"]))).Should().Equal(rows[0].EventId);
        (await IdsAsync(setup, Query(setup, ["mars"]))).Should().BeEmpty();
        (await IdsAsync(setup, Query(setup, ["martian"], keys: ["content.name"]))).Should().Equal(rows[2].EventId);
        (await IdsAsync(setup, Query(setup, ["café"]))).Should().Equal(rows[3].EventId);
        (await IdsAsync(setup, Query(setup, ["ünï"]))).Should().Equal(rows[3].EventId);
        (await setup.Search.SearchAsync(Query(setup, ["martian"]) with { RoomIds = ["!elsewhere:test.example"] }, None)).Should().BeEmpty();
        (await setup.Search.SearchAsync(Query(setup, []), None)).Should().BeEmpty();
        (await setup.Search.CountAsync(Query(setup, ["men"]), None)).Should().Be(2);
    }

    [SkippableFact]
    public async Task Orders_by_rank_or_by_recency_and_pages_with_offset_and_position_bound()
    {
        var setup = await SetupAsync(room => [room.Message(), room.Message(), room.Message()]);
        var rows = setup.Rows;
        await setup.Search.IndexAsync([Entry(rows[0], "apple apple apple apple"), Entry(rows[1], "apple and many other unrelated words in a long sentence here"),
            Entry(rows[2], "apple pie")], [], 0, None);

        var byRank = await setup.Search.SearchAsync(Query(setup, ["apple"]), None);
        byRank.Select(h => h.EventId).Should().Equal(rows[0].EventId, rows[2].EventId, rows[1].EventId);
        byRank.Select(h => h.Rank).Should().BeInDescendingOrder();
        byRank[0].Rank.Should().BeGreaterThan(byRank[2].Rank);
        byRank.Should().OnlyContain(h => h.RoomId == setup.Room.RoomId);

        (await IdsAsync(setup, Query(setup, ["apple"], byRank: false))).Should().Equal(rows[2].EventId, rows[1].EventId, rows[0].EventId);
        (await IdsAsync(setup, Query(setup, ["apple"], byRank: false, limit: 1, upTo: rows[1].StreamOrdering))).Should().Equal(rows[1].EventId);
        (await IdsAsync(setup, Query(setup, ["apple"], limit: 1, offset: 1))).Should().Equal(rows[2].EventId);
        (await setup.Search.CountAsync(Query(setup, ["apple"], upTo: rows[1].StreamOrdering), None)).Should().Be(2);
    }

    [SkippableFact]
    public async Task Indexing_keeps_an_event_once_removes_redacted_events_and_never_moves_the_position_back()
    {
        var setup = await SetupAsync(room => [room.Message(), room.Message()]);
        var rows = setup.Rows;
        var position = await setup.Search.GetIndexedPositionAsync(None);
        await setup.Search.IndexAsync([Entry(rows[0], "zebra one"), Entry(rows[1], "zebra two")], [], position + 1000, None);
        await setup.Search.IndexAsync([Entry(rows[0], "zebra changed")], [], position + 10, None);
        (await setup.Search.GetIndexedPositionAsync(None)).Should().Be(position + 1000);
        (await IdsAsync(setup, Query(setup, ["changed"]))).Should().BeEmpty();
        (await IdsAsync(setup, Query(setup, ["zebra"]))).Should().HaveCount(2);

        await setup.Search.IndexAsync([], [rows[0].EventId, "$unknown:test.example"], position + 1000, None);
        (await IdsAsync(setup, Query(setup, ["zebra"]))).Should().Equal(rows[1].EventId);
        (await IdsAsync(setup, Query(setup, ["one"]))).Should().BeEmpty();
        (await setup.Search.CountAsync(Query(setup, ["zebra"]), None)).Should().Be(1);
    }

    [SkippableFact]
    public async Task Many_entries_are_indexed_together_over_several_statements()
    {
        var count = EventSearchStore.MaxEntriesPerStatement + 2;
        var setup = await SetupAsync(room => [.. Enumerable.Range(0, count).Select(_ => room.Message())]);
        var rows = setup.Rows;
        var position = await setup.Search.GetIndexedPositionAsync(None);
        // The same event twice in one write keeps the first.
        List<SearchEntry> entries = [.. rows.Select((row, i) => Entry(row, $"walrus number{i}")), Entry(rows[0], "walrus duplicate")];
        await setup.Search.IndexAsync(entries, [], position + 1, None);

        (await setup.Search.CountAsync(Query(setup, ["walrus"]), None)).Should().Be(count);
        (await IdsAsync(setup, Query(setup, ["number1001"]))).Should().Equal(rows[1001].EventId);
        (await IdsAsync(setup, Query(setup, ["duplicate"]))).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Terms_that_are_not_words_are_refused()
    {
        var setup = await SetupAsync(room => [room.Message()]);
        var search = () => setup.Search.SearchAsync(Query(setup, ["a\" OR \"b"]), None);
        await search.Should().ThrowAsync<ArgumentException>();
    }
}

public sealed class SqliteEventSearchStoreTests(SqliteBackendFixture fixture) : EventSearchStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresEventSearchStoreTests(PostgresBackendFixture fixture) : EventSearchStoreTests<PostgresBackendFixture>(fixture);
