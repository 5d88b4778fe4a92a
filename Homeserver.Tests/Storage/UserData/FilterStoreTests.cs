using Homeserver.Storage.UserData;

namespace Homeserver.Tests.Storage.UserData;

/// <summary>The filter store, run against each backend by the subclasses below.</summary>
public abstract class FilterStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<FilterStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task A_stored_filter_is_returned_to_its_owner_only()
    {
        var store = await StoreAsync();
        var owner = NewUser();

        var id = await store.AddAsync(owner, """{"room":{"timeline":{"limit":10}}}""", CancellationToken.None);

        (await store.GetAsync(owner, id, CancellationToken.None)).Should().Be("""{"room":{"timeline":{"limit":10}}}""");
        (await store.GetAsync(NewUser(), id, CancellationToken.None)).Should().BeNull();
        (await store.GetAsync(owner, id + 1000, CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Ids_increase_and_the_same_filter_of_a_user_keeps_its_id()
    {
        var store = await StoreAsync();
        var user = NewUser();

        var first = await store.AddAsync(user, """{"a":1}""", CancellationToken.None);
        var second = await store.AddAsync(user, """{"a":2}""", CancellationToken.None);
        var again = await store.AddAsync(user, """{"a":1}""", CancellationToken.None);
        var otherUser = await store.AddAsync(NewUser(), """{"a":1}""", CancellationToken.None);

        second.Should().BeGreaterThan(first);
        again.Should().Be(first);
        otherUser.Should().BeGreaterThan(second);
    }
}

public sealed class SqliteFilterStoreTests(SqliteBackendFixture fixture) : FilterStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresFilterStoreTests(PostgresBackendFixture fixture) : FilterStoreTests<PostgresBackendFixture>(fixture);
