using Homeserver.Storage.Receipts;

namespace Homeserver.Tests.Storage.Receipts;

/// <summary>The receipt stream, run against each backend by the subclasses below.</summary>
public abstract class ReceiptStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<ReceiptStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static ReceiptRecord Receipt(string roomId, string userId, string eventId, string type = "m.read", string threadId = "") =>
        new(roomId, type, userId, threadId, eventId, 1_700_000_000_000, 0);

    [SkippableFact]
    public async Task Receipts_replace_per_key_and_are_read_by_room_and_position_range()
    {
        var store = await StoreAsync();
        var room = $"!{Guid.NewGuid():N}:test.example";
        var other = $"!{Guid.NewGuid():N}:test.example";
        var start = await store.GetCurrentPositionAsync(None);

        var p1 = await store.SetAsync(Receipt(room, "@a:test.example", "$1"), None);
        var p2 = await store.SetAsync(Receipt(room, "@a:test.example", "$1", threadId: "main"), None);
        var p3 = await store.SetAsync(Receipt(other, "@a:test.example", "$9"), None);
        var p4 = await store.SetAsync(Receipt(room, "@a:test.example", "$2"), None);

        new[] { p1, p2, p3, p4 }.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        (await store.GetCurrentPositionAsync(None)).Should().BeGreaterThanOrEqualTo(p4);
        var all = await store.GetChangedAsync([room], start, p4, None);
        all.Select(r => (r.EventId, r.ThreadId, r.StreamPosition)).Should().Equal(("$1", "main", p2), ("$2", "", p4));
        (await store.GetChangedAsync([room, other], p2, p4, None)).Select(r => r.EventId).Should().Equal("$9", "$2");
        (await store.GetChangedAsync([room], p4, p4, None)).Should().BeEmpty();
        (await store.GetChangedAsync([], start, p4, None)).Should().BeEmpty();
    }
}

public sealed class SqliteReceiptStoreTests(SqliteBackendFixture fixture) : ReceiptStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresReceiptStoreTests(PostgresBackendFixture fixture) : ReceiptStoreTests<PostgresBackendFixture>(fixture);
