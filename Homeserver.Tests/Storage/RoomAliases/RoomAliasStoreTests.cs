using Homeserver.Storage.RoomAliases;

namespace Homeserver.Tests.Storage.RoomAliases;

/// <summary>The room alias store, run against each backend by the subclasses below.</summary>
public abstract class RoomAliasStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<RoomAliasStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewAlias() => $"#a{Guid.NewGuid():N}:example.org";

    private static string NewRoom() => $"!r{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task An_alias_resolves_to_its_room_and_creator()
    {
        var store = await StoreAsync();
        var alias = NewAlias();
        var room = NewRoom();

        (await store.AddAsync(alias, room, "@alice:example.org", CancellationToken.None)).Should().BeTrue();

        (await store.GetAsync(alias, CancellationToken.None)).Should().Be(new RoomAliasRecord(alias, room, "@alice:example.org"));
        (await store.GetAsync(NewAlias(), CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Moving_a_rooms_aliases_repoints_all_of_them_and_keeps_their_creators()
    {
        var store = await StoreAsync();
        var (first, second, other) = (NewAlias(), NewAlias(), NewAlias());
        var (oldRoom, newRoom, otherRoom) = (NewRoom(), NewRoom(), NewRoom());
        await store.AddAsync(first, oldRoom, "@alice:example.org", CancellationToken.None);
        await store.AddAsync(second, oldRoom, "@bob:example.org", CancellationToken.None);
        await store.AddAsync(other, otherRoom, "@alice:example.org", CancellationToken.None);

        (await store.MoveAllAsync(oldRoom, newRoom, CancellationToken.None)).Should().Be(2);

        (await store.ListForRoomAsync(oldRoom, CancellationToken.None)).Should().BeEmpty();
        (await store.ListForRoomAsync(newRoom, CancellationToken.None)).Should().BeEquivalentTo([first, second]);
        (await store.GetAsync(second, CancellationToken.None)).Should().Be(new RoomAliasRecord(second, newRoom, "@bob:example.org"));
        (await store.GetAsync(other, CancellationToken.None))!.RoomId.Should().Be(otherRoom);
        (await store.MoveAllAsync(oldRoom, newRoom, CancellationToken.None)).Should().Be(0);
    }

    [SkippableFact]
    public async Task A_taken_alias_is_not_overwritten()
    {
        var store = await StoreAsync();
        var alias = NewAlias();
        var room = NewRoom();
        await store.AddAsync(alias, room, "@alice:example.org", CancellationToken.None);

        (await store.AddAsync(alias, NewRoom(), "@bob:example.org", CancellationToken.None)).Should().BeFalse();

        (await store.GetAsync(alias, CancellationToken.None)).Should().Be(new RoomAliasRecord(alias, room, "@alice:example.org"));
    }

    [SkippableFact]
    public async Task A_room_lists_its_aliases_in_order_and_deleted_ones_disappear()
    {
        var store = await StoreAsync();
        var room = NewRoom();
        var first = $"#a{Guid.NewGuid():N}:example.org";
        var second = $"#b{Guid.NewGuid():N}:example.org";
        await store.AddAsync(second, room, "@alice:example.org", CancellationToken.None);
        await store.AddAsync(first, room, "@alice:example.org", CancellationToken.None);
        await store.AddAsync(NewAlias(), NewRoom(), "@alice:example.org", CancellationToken.None);

        (await store.ListForRoomAsync(room, CancellationToken.None)).Should().Equal(first, second);

        (await store.DeleteAsync(first, CancellationToken.None)).Should().BeTrue();
        (await store.DeleteAsync(first, CancellationToken.None)).Should().BeFalse();
        (await store.GetAsync(first, CancellationToken.None)).Should().BeNull();
        (await store.ListForRoomAsync(room, CancellationToken.None)).Should().Equal(second);
        (await store.ListForRoomAsync(NewRoom(), CancellationToken.None)).Should().BeEmpty();
    }
}

public sealed class SqliteRoomAliasStoreTests(SqliteBackendFixture fixture) : RoomAliasStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomAliasStoreTests(PostgresBackendFixture fixture) : RoomAliasStoreTests<PostgresBackendFixture>(fixture);
