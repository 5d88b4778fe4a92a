using Homeserver.Storage.UserData;

namespace Homeserver.Tests.Storage.UserData;

/// <summary>The account data store and its stream, run against each backend by the subclasses below.</summary>
public abstract class AccountDataStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private const string Global = IAccountDataStore.GlobalRoomId;
    private const string Room = "!room:example.org";

    private async Task<AccountDataStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task Global_and_room_data_of_the_same_type_are_separate()
    {
        var store = await StoreAsync();
        var user = NewUser();

        await store.SetAsync(user, Global, "org.example.config", """{"scope":"global"}""", CancellationToken.None);
        await store.SetAsync(user, Room, "org.example.config", """{"scope":"room"}""", CancellationToken.None);

        (await store.GetAsync(user, Global, "org.example.config", CancellationToken.None)).Should().Be("""{"scope":"global"}""");
        (await store.GetAsync(user, Room, "org.example.config", CancellationToken.None)).Should().Be("""{"scope":"room"}""");
        (await store.GetAsync(user, "!other:example.org", "org.example.config", CancellationToken.None)).Should().BeNull();
        (await store.GetAsync(NewUser(), Global, "org.example.config", CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Every_write_gets_a_new_higher_position_and_replaces_the_content()
    {
        var store = await StoreAsync();
        var user = NewUser();

        var first = await store.SetAsync(user, Global, "m.test", """{"v":1}""", CancellationToken.None);
        var second = await store.SetAsync(user, Global, "m.test", """{"v":2}""", CancellationToken.None);

        second.Should().BeGreaterThan(first);
        (await store.GetAsync(user, Global, "m.test", CancellationToken.None)).Should().Be("""{"v":2}""");
        (await store.GetCurrentPositionAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(second);
    }

    [SkippableFact]
    public async Task Changes_since_a_position_are_the_latest_writes_after_it_in_order()
    {
        var store = await StoreAsync();
        var user = NewUser();
        var other = NewUser();
        var a = await store.SetAsync(user, Global, "m.a", """{"n":1}""", CancellationToken.None);
        var b = await store.SetAsync(user, Room, "m.b", """{"n":2}""", CancellationToken.None);
        await store.SetAsync(other, Global, "m.a", """{"n":3}""", CancellationToken.None);
        var a2 = await store.SetAsync(user, Global, "m.a", """{"n":4}""", CancellationToken.None);

        var all = await store.GetAccountDataChangedSinceAsync(user, 0, CancellationToken.None);
        all.Should().Equal(
            new AccountDataRecord(user, Room, "m.b", """{"n":2}""", b),
            new AccountDataRecord(user, Global, "m.a", """{"n":4}""", a2));

        var sinceB = await store.GetAccountDataChangedSinceAsync(user, b, CancellationToken.None);
        sinceB.Should().Equal(new AccountDataRecord(user, Global, "m.a", """{"n":4}""", a2));
        (await store.GetAccountDataChangedSinceAsync(user, a2, CancellationToken.None)).Should().BeEmpty();
        a.Should().BeLessThan(b);
    }

    [SkippableFact]
    public async Task Update_reads_the_current_content_and_concurrent_updates_lose_nothing()
    {
        var store = await StoreAsync();
        var user = NewUser();

        // Each update appends one character; a lost update would leave fewer.
        var positions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            store.UpdateAsync(user, Room, "m.counter", current => current is null ? "x" : current + "x", CancellationToken.None))));

        (await store.GetAsync(user, Room, "m.counter", CancellationToken.None)).Should().Be(new string('x', 20));
        positions.Should().OnlyHaveUniqueItems();
        var changes = await store.GetAccountDataChangedSinceAsync(user, 0, CancellationToken.None);
        changes.Should().ContainSingle().Which.StreamPosition.Should().Be(positions.Max());
    }
}

public sealed class SqliteAccountDataStoreTests(SqliteBackendFixture fixture) : AccountDataStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresAccountDataStoreTests(PostgresBackendFixture fixture) : AccountDataStoreTests<PostgresBackendFixture>(fixture);
