using Homeserver.Storage.Federation;
using Homeserver.Tests.Storage;

namespace Homeserver.Tests.ServerApi.Sending;

/// <summary>The durable outbound federation queue, run against each backend by the subclasses below.</summary>
public abstract class FederationOutboxStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<FederationOutboxStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewDestination() => $"s{Guid.NewGuid():N}.example";

    [SkippableFact]
    public async Task Pdus_are_queued_per_destination_in_order_once_each_and_removed_by_queue_id()
    {
        var store = await StoreAsync();
        var a = NewDestination();
        var b = NewDestination();

        await store.AddPdusAsync([a, b], ["$1", "$2"], CancellationToken.None);
        await store.AddPdusAsync([a], ["$2", "$3"], CancellationToken.None);

        var batchA = await store.PeekAsync(a, 50, 100, CancellationToken.None);
        batchA.Pdus.Select(p => p.EventId).Should().Equal("$1", "$2", "$3");
        batchA.Edus.Should().BeEmpty();
        (await store.PeekAsync(b, 50, 100, CancellationToken.None)).Pdus.Select(p => p.EventId).Should().Equal("$1", "$2");
        (await store.PeekAsync(a, 2, 100, CancellationToken.None)).Pdus.Select(p => p.EventId).Should().Equal("$1", "$2");

        await store.RemoveAsync(a, [batchA.Pdus[0].QueueId, batchA.Pdus[1].QueueId], [], CancellationToken.None);

        (await store.PeekAsync(a, 50, 100, CancellationToken.None)).Pdus.Select(p => p.EventId).Should().Equal("$3");
        (await store.PeekAsync(b, 50, 100, CancellationToken.None)).Pdus.Should().HaveCount(2, "removing from one destination leaves the others");
    }

    [SkippableFact]
    public async Task Trimming_keeps_the_newest_pdus_of_that_destination_only()
    {
        var store = await StoreAsync();
        var a = NewDestination();
        var b = NewDestination();
        await store.AddPdusAsync([a, b], ["$1", "$2", "$3", "$4", "$5"], CancellationToken.None);

        (await store.TrimPdusAsync(a, 2, CancellationToken.None)).Should().Be(3);
        (await store.TrimPdusAsync(a, 2, CancellationToken.None)).Should().Be(0);
        (await store.TrimPdusAsync(b, 10, CancellationToken.None)).Should().Be(0);

        (await store.PeekAsync(a, 50, 100, CancellationToken.None)).Pdus.Select(p => p.EventId).Should().Equal("$4", "$5");
        (await store.PeekAsync(b, 50, 100, CancellationToken.None)).Pdus.Should().HaveCount(5);
    }

    [SkippableFact]
    public async Task A_coalesced_edu_replaces_the_waiting_one_and_moves_to_the_end_while_others_accumulate()
    {
        var store = await StoreAsync();
        var destination = NewDestination();
        string? seen = "not called";

        await store.AddEduAsync(destination, "m.typing", "room\nuser", _ => """{"typing":true}""", CancellationToken.None);
        await store.AddEduAsync(destination, "m.direct_to_device", null, _ => """{"n":1}""", CancellationToken.None);
        await store.AddEduAsync(destination, "m.direct_to_device", null, _ => """{"n":2}""", CancellationToken.None);
        await store.AddEduAsync(destination, "m.typing", "room\nuser", waiting =>
        {
            seen = waiting;
            return """{"typing":false}""";
        }, CancellationToken.None);

        seen.Should().Be("""{"typing":true}""");
        var batch = await store.PeekAsync(destination, 50, 100, CancellationToken.None);
        batch.Edus.Select(e => (e.EduType, e.ContentJson)).Should().Equal(
            ("m.direct_to_device", """{"n":1}"""), ("m.direct_to_device", """{"n":2}"""), ("m.typing", """{"typing":false}"""));
        (await store.PeekAsync(destination, 50, 1, CancellationToken.None)).Edus.Should().HaveCount(1);

        await store.RemoveAsync(destination, [], [batch.Edus[0].QueueId], CancellationToken.None);
        (await store.PeekAsync(destination, 50, 100, CancellationToken.None)).Edus.Should().HaveCount(2);
    }

    [SkippableFact]
    public async Task Destinations_with_pending_items_are_listed_until_their_queue_is_empty()
    {
        var store = await StoreAsync();
        var pdusOnly = NewDestination();
        var edusOnly = NewDestination();
        await store.AddPdusAsync([pdusOnly], ["$x"], CancellationToken.None);
        await store.AddEduAsync(edusOnly, "m.presence", "@u:x", _ => "{}", CancellationToken.None);

        (await store.GetDestinationsWithPendingAsync(CancellationToken.None)).Should().Contain([pdusOnly, edusOnly]);

        var batch = await store.PeekAsync(pdusOnly, 50, 100, CancellationToken.None);
        await store.RemoveAsync(pdusOnly, batch.Pdus.Select(p => p.QueueId).ToList(), [], CancellationToken.None);
        (await store.GetDestinationsWithPendingAsync(CancellationToken.None)).Should().NotContain(pdusOnly).And.Contain(edusOnly);
    }
}

public sealed class SqliteFederationOutboxStoreTests(SqliteBackendFixture fixture) : FederationOutboxStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresFederationOutboxStoreTests(PostgresBackendFixture fixture) : FederationOutboxStoreTests<PostgresBackendFixture>(fixture);
