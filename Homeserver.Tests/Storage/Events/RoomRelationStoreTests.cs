using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>The relationship reads (children, threads, edits, references), run against each backend by the subclasses below.</summary>
public abstract class RoomRelationStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Bob = "@bob:test.example";

    private async Task<RoomEventStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static EventToPersist Child(TestRoom room, string parentId, string relType, string sender = "@alice:test.example",
        string type = "m.room.message") =>
        room.Next(type, sender: sender) with { Relation = new EventRelation(parentId, relType) };

    [SkippableFact]
    public async Task Children_threads_edits_and_references_are_read_without_redacted_rejected_or_foreign_children()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var root = room.Message();
        var reply1 = Child(room, root.EventId, "m.thread", sender: Bob);
        var rejected = room.Next("m.room.message", rejectionReason: "auth") with { Relation = new EventRelation(root.EventId, "m.thread") };
        var edit1 = Child(room, root.EventId, "m.replace");
        var bobsEdit = Child(room, root.EventId, "m.replace", sender: Bob);
        var edit2 = Child(room, root.EventId, "m.replace");
        var reference = Child(room, root.EventId, "m.reference", sender: Bob);
        var redactedReply = Child(room, root.EventId, "m.thread");
        var redaction = room.Next("m.room.redaction") with { Redacts = redactedReply.EventId };
        var reply2 = Child(room, root.EventId, "m.thread", sender: Bob);
        var reaction = Child(room, root.EventId, "m.annotation", type: "m.reaction");
        await store.PersistAsync(room.Batch([root, reply1, rejected, edit1, bobsEdit, edit2, reference, redactedReply, redaction, reply2, reaction],
            changesState: false), None);
        var max = await store.GetMaxStreamOrderingAsync(None);

        (await store.GetChildrenAsync(room.RoomId, [root.EventId], null, null, 0, max, backwards: true, 100, None)).Select(e => e.EventId)
            .Should().Equal(reaction.EventId, reply2.EventId, reference.EventId, edit2.EventId, bobsEdit.EventId, edit1.EventId, reply1.EventId);
        (await store.GetChildrenAsync(room.RoomId, [root.EventId], "m.thread", null, 0, max, backwards: false, 1, None)).Select(e => e.EventId)
            .Should().Equal(reply1.EventId);
        (await store.GetChildrenAsync(room.RoomId, [root.EventId], "m.annotation", "m.room.message", 0, max, backwards: false, 10, None))
            .Should().BeEmpty();
        (await store.GetChildrenAsync("!other:test.example", [root.EventId], null, null, 0, max, backwards: false, 10, None)).Should().BeEmpty();

        var thread = (await store.GetThreadSummariesAsync(room.RoomId, [root.EventId, reply1.EventId], Bob, None)).Single();
        thread.Should().BeEquivalentTo(new { RootEventId = root.EventId, Count = 2L, LatestEventId = reply2.EventId, UserParticipated = true });
        (await store.GetThreadSummariesAsync(room.RoomId, [root.EventId], "@carol:test.example", None)).Single().UserParticipated.Should().BeFalse();

        (await store.GetThreadsAsync(room.RoomId, null, max, 10, None)).Select(t => t.RootEventId).Should().Equal(root.EventId);
        (await store.GetThreadsAsync(room.RoomId, "@alice:test.example", max, 10, None)).Should().ContainSingle("alice sent the root");
        (await store.GetThreadsAsync(room.RoomId, "@carol:test.example", max, 10, None)).Should().BeEmpty();
        (await store.GetThreadsAsync(room.RoomId, null, thread.LatestStreamOrdering - 1, 10, None)).Should().BeEmpty();

        (await store.GetLatestEditsAsync(room.RoomId, [root.EventId], None))[root.EventId].EventId.Should().Be(edit2.EventId);
        (await store.GetReferencesAsync(room.RoomId, [root.EventId], 10, None))[root.EventId].Should().Equal(reference.EventId);

        (await store.GetRelationAsync(reply1.EventId, None)).Should().Be(new EventRelation(root.EventId, "m.thread"));
        (await store.GetRelationAsync(root.EventId, None)).Should().BeNull();
    }
}

public sealed class SqliteRoomRelationStoreTests(SqliteBackendFixture fixture) : RoomRelationStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomRelationStoreTests(PostgresBackendFixture fixture) : RoomRelationStoreTests<PostgresBackendFixture>(fixture);
