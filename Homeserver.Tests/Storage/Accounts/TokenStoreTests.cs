using System.Security.Cryptography;
using Homeserver.Storage;
using Homeserver.Storage.Accounts;

namespace Homeserver.Tests.Storage.Accounts;

/// <summary>Refresh tokens and the access token store's per-device and per-user deletion, on each backend.</summary>
public abstract class TokenStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static byte[] NewHash() => RandomNumberGenerator.GetBytes(32);

    private static string NewUserId() => $"@u{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task A_refresh_token_can_be_taken_once()
    {
        var store = new RefreshTokenStore(await fixture.GetSharedDatabaseAsync(), TimeProvider.System);
        var hash = NewHash();
        var record = new RefreshTokenRecord(NewUserId(), "DEV", NewHash());
        await store.AddAsync(hash, record, CancellationToken.None);

        var taken = await store.TakeAsync(hash, CancellationToken.None);
        taken.Should().NotBeNull();
        taken!.UserId.Should().Be(record.UserId);
        taken.DeviceId.Should().Be("DEV");
        taken.AccessTokenHash.Should().Equal(record.AccessTokenHash);
        (await store.TakeAsync(hash, CancellationToken.None)).Should().BeNull();
        await store.Invoking(s => s.AddAsync(hash, record, CancellationToken.None)).Should().NotThrowAsync("the hash was freed");
        await store.Invoking(s => s.AddAsync(hash, record, CancellationToken.None)).Should().ThrowAsync<StorageConflictException>();
    }

    [SkippableFact]
    public async Task Concurrent_takes_of_one_refresh_token_succeed_once()
    {
        var store = new RefreshTokenStore(await fixture.GetSharedDatabaseAsync(), TimeProvider.System);
        var hash = NewHash();
        await store.AddAsync(hash, new RefreshTokenRecord(NewUserId(), "DEV", NewHash()), CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.TakeAsync(hash, CancellationToken.None))));

        results.Count(r => r is not null).Should().Be(1);
    }

    [SkippableFact]
    public async Task Refresh_tokens_are_deleted_by_device_and_by_user_keeping_one_device()
    {
        var store = new RefreshTokenStore(await fixture.GetSharedDatabaseAsync(), TimeProvider.System);
        var user = NewUserId();
        var (a, b, c) = (NewHash(), NewHash(), NewHash());
        await store.AddAsync(a, new RefreshTokenRecord(user, "A", NewHash()), CancellationToken.None);
        await store.AddAsync(b, new RefreshTokenRecord(user, "B", NewHash()), CancellationToken.None);
        await store.AddAsync(c, new RefreshTokenRecord(user, "C", NewHash()), CancellationToken.None);

        (await store.DeleteByDeviceAsync(user, "A", CancellationToken.None)).Should().Be(1);
        (await store.DeleteByUserAsync(user, keepDeviceId: "C", CancellationToken.None)).Should().Be(1);
        (await store.TakeAsync(c, CancellationToken.None)).Should().NotBeNull();
        (await store.TakeAsync(b, CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Access_tokens_are_deleted_by_device_and_by_user()
    {
        var store = new AccessTokenStore(await fixture.GetSharedDatabaseAsync(), TimeProvider.System);
        var user = NewUserId();
        var other = NewUserId();
        var hashes = Enumerable.Range(0, 4).Select(_ => NewHash()).ToArray();
        await store.AddAsync(hashes[0], new AccessTokenRecord(user, "A", null, false), CancellationToken.None);
        await store.AddAsync(hashes[1], new AccessTokenRecord(user, "A", null, false), CancellationToken.None);
        await store.AddAsync(hashes[2], new AccessTokenRecord(user, "B", null, false), CancellationToken.None);
        await store.AddAsync(hashes[3], new AccessTokenRecord(other, "A", null, false), CancellationToken.None);

        (await store.DeleteByDeviceAsync(user, "A", CancellationToken.None)).Should().Be(2);
        (await store.FindByTokenHashAsync(hashes[2], CancellationToken.None)).Should().NotBeNull();
        (await store.DeleteByUserAsync(user, keepDeviceId: "B", CancellationToken.None)).Should().Be(0);
        (await store.DeleteByUserAsync(user, keepDeviceId: null, CancellationToken.None)).Should().Be(1);
        (await store.FindByTokenHashAsync(hashes[3], CancellationToken.None)).Should().NotBeNull("another user's token stays");
    }
}

public sealed class SqliteTokenStoreTests(SqliteBackendFixture fixture) : TokenStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresTokenStoreTests(PostgresBackendFixture fixture) : TokenStoreTests<PostgresBackendFixture>(fixture);

/// <summary>Login tokens (m.login.token), on each backend.</summary>
public abstract class LoginTokenStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<LoginTokenStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync(), TimeProvider.System);

    [SkippableFact]
    public async Task A_login_token_is_taken_once_and_only_before_it_expires()
    {
        var store = await StoreAsync();
        var (live, expiring) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        await store.AddAsync(live, "@alice:example.org", expiresTs: 10_000, CancellationToken.None);
        await store.AddAsync(expiring, "@bob:example.org", expiresTs: 10_000, CancellationToken.None);

        (await store.TakeAsync(live, nowMs: 9_999, CancellationToken.None)).Should().Be("@alice:example.org");
        (await store.TakeAsync(live, nowMs: 9_999, CancellationToken.None)).Should().BeNull("a login token is single-use");
        (await store.TakeAsync(expiring, nowMs: 10_000, CancellationToken.None)).Should().BeNull();
        (await store.TakeAsync(expiring, nowMs: 0, CancellationToken.None)).Should().BeNull("taking an expired token deletes it");
    }

    [SkippableFact]
    public async Task Expired_login_tokens_are_deleted()
    {
        var store = await StoreAsync();
        var (old, fresh) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        await store.AddAsync(old, "@carol:example.org", expiresTs: 5, CancellationToken.None);
        await store.AddAsync(fresh, "@carol:example.org", expiresTs: long.MaxValue, CancellationToken.None);

        (await store.DeleteExpiredAsync(5, CancellationToken.None)).Should().BeGreaterThanOrEqualTo(1);

        (await store.TakeAsync(old, 0, CancellationToken.None)).Should().BeNull();
        (await store.TakeAsync(fresh, 0, CancellationToken.None)).Should().Be("@carol:example.org");
    }
}

public sealed class SqliteLoginTokenStoreTests(SqliteBackendFixture fixture) : LoginTokenStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresLoginTokenStoreTests(PostgresBackendFixture fixture) : LoginTokenStoreTests<PostgresBackendFixture>(fixture);
