using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Rooms;
using Homeserver.Search;
using Homeserver.Storage.Events;
using Homeserver.Storage.Search;
using Homeserver.Tests.Storage.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.Storage.Search;

/// <summary>The background indexer reading stored events into the index, run against each backend below.</summary>
public abstract class SearchIndexerTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static EventToPersist WithContent(EventToPersist e, JsonObject content) =>
        e with { Json = Encoding.UTF8.GetBytes(new JsonObject { ["type"] = e.Type, ["room_id"] = e.RoomId, ["content"] = content }.ToJsonString()) };

    private static EventToPersist Message(TestRoom room, string body) =>
        WithContent(room.Message(), new JsonObject { ["msgtype"] = "m.text", ["body"] = body });

    [SkippableFact]
    public async Task Indexes_new_events_from_the_stored_position_drops_redacted_ones_and_skips_encrypted_rooms()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var events = new RoomEventStore(database);
        var store = new EventSearchStore(database);
        var progress = new SearchIndexProgress();
        using var indexer = new SearchIndexer(new InProcessRoomEventNotifier(), store, events, new RedactionFinder(events, events), progress,
            NullLogger<SearchIndexer>.Instance);

        var room = new TestRoom();
        await events.PersistAsync(room.Create(), None);
        var kept = Message(room, "Walnut kept");
        var redacted = Message(room, "walnut gone");
        var named = WithContent(room.Next("m.room.name", ""), new JsonObject { ["name"] = "Walnut grove" });
        var other = WithContent(room.Next("org.example.note"), new JsonObject { ["body"] = "walnut elsewhere" });
        await events.PersistAsync(room.Batch([kept, redacted, named, other]), None);
        await indexer.CatchUpAsync(None);

        var query = new SearchQuery(["walnut"], [room.RoomId], SearchKeys.All, false, long.MaxValue, 0, 10);
        (await store.SearchAsync(query, None)).Select(h => h.EventId).Should().Equal(named.EventId, redacted.EventId, kept.EventId);
        var max = await events.GetMaxStreamOrderingAsync(None);
        (await store.GetIndexedPositionAsync(None)).Should().Be(max);

        var redaction = room.Next("m.room.redaction") with { Redacts = redacted.EventId };
        var encryption = room.Next("m.room.encryption", "");
        var hidden = Message(room, "walnut in an encrypted room");
        await events.PersistAsync(room.Batch([redaction, encryption, hidden]), None);
        await indexer.CatchUpAsync(None);
        (await store.SearchAsync(query, None)).Select(h => h.EventId).Should().Equal(named.EventId, kept.EventId);

        (await store.GetIndexedPositionAsync(None)).Should().Be(await events.GetMaxStreamOrderingAsync(None));

        // A search waiting for the current position returns at once; one further ahead waits only for its timeout.
        var wait = progress.WaitForAsync(await events.GetMaxStreamOrderingAsync(None), TimeSpan.FromMinutes(1), None);
        wait.IsCompleted.Should().BeTrue();
        await progress.WaitForAsync(long.MaxValue, TimeSpan.FromMilliseconds(50), None);
    }
}

public sealed class SqliteSearchIndexerTests(SqliteBackendFixture fixture) : SearchIndexerTests<SqliteBackendFixture>(fixture);

public sealed class PostgresSearchIndexerTests(PostgresBackendFixture fixture) : SearchIndexerTests<PostgresBackendFixture>(fixture);
