using Homeserver.Storage;
using Homeserver.Storage.Accounts;

namespace Homeserver.Tests.Storage.Accounts;

/// <summary>Registration tokens, on each backend.</summary>
public abstract class RegistrationTokenStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<RegistrationTokenStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewToken() => Guid.NewGuid().ToString("N");

    [SkippableFact]
    public async Task A_token_round_trips_lists_and_deletes()
    {
        var store = await StoreAsync();
        var token = new RegistrationTokenRecord(NewToken(), UsesAllowed: 3, Pending: 0, Completed: 0, ExpiryTime: 2_000_000_000_000);
        await store.CreateAsync(token, CancellationToken.None);

        (await store.FindAsync(token.Token, CancellationToken.None)).Should().Be(token);
        (await store.ListAsync(CancellationToken.None)).Should().Contain(token);
        await store.Invoking(s => s.CreateAsync(token, CancellationToken.None)).Should().ThrowAsync<StorageConflictException>();
        (await store.DeleteAsync(token.Token, CancellationToken.None)).Should().BeTrue();
        (await store.FindAsync(token.Token, CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Limits_can_be_changed_and_removed()
    {
        var store = await StoreAsync();
        var token = NewToken();
        await store.CreateAsync(new RegistrationTokenRecord(token, 1, 0, 0, 5_000), CancellationToken.None);

        (await store.SetLimitsAsync(token, 10, null, CancellationToken.None)).Should().BeTrue();
        (await store.FindAsync(token, CancellationToken.None)).Should().Be(new RegistrationTokenRecord(token, 10, 0, 0, null));
        (await store.SetLimitsAsync(NewToken(), null, null, CancellationToken.None)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Reservations_stop_at_uses_allowed_and_completion_moves_pending_to_completed()
    {
        var store = await StoreAsync();
        var token = NewToken();
        await store.CreateAsync(new RegistrationTokenRecord(token, 2, 0, 0, null), CancellationToken.None);

        (await store.TryReserveAsync(token, 0, CancellationToken.None)).Should().BeTrue();
        (await store.CompleteAsync(token, CancellationToken.None)).Should().BeTrue();
        (await store.TryReserveAsync(token, 0, CancellationToken.None)).Should().BeTrue();
        (await store.TryReserveAsync(token, 0, CancellationToken.None)).Should().BeFalse("pending + completed reached uses_allowed");

        (await store.FindAsync(token, CancellationToken.None)).Should().Be(new RegistrationTokenRecord(token, 2, 1, 1, null));
        (await store.ReleaseAsync(token, CancellationToken.None)).Should().BeTrue();
        (await store.ReleaseAsync(token, CancellationToken.None)).Should().BeFalse("nothing is pending any more");
        (await store.TryReserveAsync(token, 0, CancellationToken.None)).Should().BeTrue("the released use is free again");
        (await store.TryReserveAsync(NewToken(), 0, CancellationToken.None)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Expired_tokens_cannot_be_reserved_and_unlimited_ones_can()
    {
        var store = await StoreAsync();
        var expiring = NewToken();
        var unlimited = NewToken();
        await store.CreateAsync(new RegistrationTokenRecord(expiring, null, 0, 0, ExpiryTime: 1_000), CancellationToken.None);
        await store.CreateAsync(new RegistrationTokenRecord(unlimited, null, 0, 0, null), CancellationToken.None);

        (await store.TryReserveAsync(expiring, 999, CancellationToken.None)).Should().BeTrue();
        (await store.TryReserveAsync(expiring, 1_000, CancellationToken.None)).Should().BeFalse();
        for (var i = 0; i < 5; i++)
            (await store.TryReserveAsync(unlimited, 0, CancellationToken.None)).Should().BeTrue();
    }

    [SkippableFact]
    public async Task Concurrent_reservations_never_exceed_uses_allowed()
    {
        var store = await StoreAsync();
        var token = NewToken();
        await store.CreateAsync(new RegistrationTokenRecord(token, 3, 0, 0, null), CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => store.TryReserveAsync(token, 0, CancellationToken.None))));

        results.Count(r => r).Should().Be(3);
    }
}

public sealed class SqliteRegistrationTokenStoreTests(SqliteBackendFixture fixture) : RegistrationTokenStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRegistrationTokenStoreTests(PostgresBackendFixture fixture) : RegistrationTokenStoreTests<PostgresBackendFixture>(fixture);
