using Homeserver.Storage;
using Homeserver.Storage.Accounts;

namespace Homeserver.Tests.Storage.Accounts;

/// <summary>User-interactive auth sessions, on each backend.</summary>
public abstract class UiaSessionStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<UiaSessionStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static UiaSessionRecord NewSession(long expiresTs, string? userId = null) =>
        new(Guid.NewGuid().ToString("N"), "POST /register", userId, new Dictionary<string, string>(), 1_000, expiresTs);

    [SkippableFact]
    public async Task A_session_round_trips_and_records_its_completed_stages()
    {
        var store = await StoreAsync();
        var session = NewSession(9_000_000_000_000, "@alice:example.org");
        await store.CreateAsync(session, CancellationToken.None);

        var found = await store.FindAsync(session.SessionId, CancellationToken.None);
        found!.RequestKey.Should().Be("POST /register");
        found.UserId.Should().Be("@alice:example.org");
        found.CompletedStages.Should().BeEmpty();
        found.ExpiresTs.Should().Be(9_000_000_000_000);

        var stages = new Dictionary<string, string> { ["m.login.registration_token"] = "tok", ["m.login.dummy"] = "" };
        (await store.SetCompletedStagesAsync(session.SessionId, stages, CancellationToken.None)).Should().BeTrue();
        (await store.FindAsync(session.SessionId, CancellationToken.None))!.CompletedStages.Should().BeEquivalentTo(stages);

        await store.Invoking(s => s.CreateAsync(session, CancellationToken.None)).Should().ThrowAsync<StorageConflictException>();
        (await store.DeleteAsync(session.SessionId, CancellationToken.None)).Should().BeTrue();
        (await store.FindAsync(session.SessionId, CancellationToken.None)).Should().BeNull();
        (await store.SetCompletedStagesAsync(session.SessionId, stages, CancellationToken.None)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Expired_sessions_are_deleted()
    {
        var store = await StoreAsync();
        var expired = NewSession(expiresTs: 5_000);
        var live = NewSession(expiresTs: 9_000_000_000_000);
        await store.CreateAsync(expired, CancellationToken.None);
        await store.CreateAsync(live, CancellationToken.None);

        (await store.DeleteExpiredAsync(5_000, CancellationToken.None)).Select(s => s.SessionId).Should().Contain(expired.SessionId)
            .And.NotContain(live.SessionId);

        (await store.FindAsync(expired.SessionId, CancellationToken.None)).Should().BeNull();
        (await store.FindAsync(live.SessionId, CancellationToken.None)).Should().NotBeNull();
    }
}

public sealed class SqliteUiaSessionStoreTests(SqliteBackendFixture fixture) : UiaSessionStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresUiaSessionStoreTests(PostgresBackendFixture fixture) : UiaSessionStoreTests<PostgresBackendFixture>(fixture);
