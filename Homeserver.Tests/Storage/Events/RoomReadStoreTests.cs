using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>The reads behind the room endpoints (later joins, forgotten rooms), on each backend.</summary>
public abstract class RoomReadStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<RoomEventStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    [SkippableFact]
    public async Task A_join_after_a_position_is_found_and_one_before_is_not()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var join = await store.PersistAsync(room.Batch([room.Member("@bob:test.example", "join")]), None);
        var position = join[0].StreamOrdering!.Value;
        var later = await store.PersistAsync(room.Batch([room.Member("@carol:test.example", "join")]), None);

        (await store.HasJoinedAfterAsync(room.RoomId, "@bob:test.example", position, None)).Should().BeFalse();
        (await store.HasJoinedAfterAsync(room.RoomId, "@bob:test.example", position - 1, None)).Should().BeTrue();
        (await store.HasJoinedAfterAsync(room.RoomId, "@carol:test.example", position, None)).Should().BeTrue();
        (await store.HasJoinedAfterAsync(room.RoomId, "@carol:test.example", later[0].StreamOrdering!.Value, None)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Forgetting_is_idempotent_per_user_and_can_be_undone()
    {
        var store = await StoreAsync();
        var user = $"@forget{Guid.NewGuid():N}:test.example";

        await store.ForgetRoomAsync(user, "!a:test.example", None);
        await store.ForgetRoomAsync(user, "!a:test.example", None);
        await store.ForgetRoomAsync(user, "!b:test.example", None);
        (await store.GetForgottenRoomsAsync(user, None)).Should().BeEquivalentTo(["!a:test.example", "!b:test.example"]);

        await store.UnforgetRoomAsync(user, "!a:test.example", None);
        (await store.GetForgottenRoomsAsync(user, None)).Should().BeEquivalentTo(["!b:test.example"]);
        (await store.GetForgottenRoomsAsync("@someone:test.example", None)).Should().BeEmpty();
    }
}

public sealed class SqliteRoomReadStoreTests(SqliteBackendFixture fixture) : RoomReadStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomReadStoreTests(PostgresBackendFixture fixture) : RoomReadStoreTests<PostgresBackendFixture>(fixture);
