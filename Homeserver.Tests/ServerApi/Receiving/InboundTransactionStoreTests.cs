using Homeserver.Storage.Federation;
using Homeserver.Tests.Storage;

namespace Homeserver.Tests.ServerApi.Receiving;

/// <summary>The answers to inbound transactions, run against each backend by the subclasses below.</summary>
public abstract class InboundTransactionStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private const long Now = 1_700_000_000_000;

    private async Task<InboundTransactionStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewOrigin() => $"s{Guid.NewGuid():N}.example";

    [SkippableFact]
    public async Task An_answer_is_kept_per_origin_and_transaction_and_the_first_one_wins()
    {
        var store = await StoreAsync();
        var origin = NewOrigin();

        (await store.GetResponseAsync(origin, "t1", CancellationToken.None)).Should().BeNull();
        await store.SaveResponseAsync(origin, "t1", """{"pdus":{}}""", Now, Now - 1000, CancellationToken.None);
        await store.SaveResponseAsync(origin, "t1", """{"pdus":{"$x":{}}}""", Now, Now - 1000, CancellationToken.None);

        (await store.GetResponseAsync(origin, "t1", CancellationToken.None)).Should().Be("""{"pdus":{}}""");
        (await store.GetResponseAsync(NewOrigin(), "t1", CancellationToken.None)).Should().BeNull("transaction ids are per origin");
    }

    [SkippableFact]
    public async Task Saving_forgets_the_origins_answers_older_than_the_retention()
    {
        var store = await StoreAsync();
        var origin = NewOrigin();
        var other = NewOrigin();
        await store.SaveResponseAsync(origin, "old", "{}", Now - 10_000, Now - 20_000, CancellationToken.None);
        await store.SaveResponseAsync(other, "old", "{}", Now - 10_000, Now - 20_000, CancellationToken.None);

        await store.SaveResponseAsync(origin, "new", "{}", Now, Now - 5_000, CancellationToken.None);

        (await store.GetResponseAsync(origin, "old", CancellationToken.None)).Should().BeNull();
        (await store.GetResponseAsync(origin, "new", CancellationToken.None)).Should().Be("{}");
        (await store.GetResponseAsync(other, "old", CancellationToken.None)).Should().Be("{}");
    }
}

public sealed class SqliteInboundTransactionStoreTests(SqliteBackendFixture fixture) : InboundTransactionStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresInboundTransactionStoreTests(PostgresBackendFixture fixture) : InboundTransactionStoreTests<PostgresBackendFixture>(fixture);
