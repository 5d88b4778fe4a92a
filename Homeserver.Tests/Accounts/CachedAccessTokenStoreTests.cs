using System.Security.Cryptography;
using System.Text;
using Dapper;
using Homeserver.Accounts;
using Homeserver.Storage.Accounts;
using Homeserver.Tests.Http;
using Homeserver.Tests.Storage;

namespace Homeserver.Tests.Accounts;

public sealed class CachedAccessTokenStoreTests(SqliteBackendFixture fixture) : IClassFixture<SqliteBackendFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ManualTimeProvider _time = new();

    private static byte[] NewTokenHash() => SHA256.HashData(Encoding.UTF8.GetBytes("syt_" + Guid.NewGuid().ToString("N")));

    private static AccessTokenRecord Record(string userId, string deviceId) => new(userId, deviceId, ExpiresAtMs: null, IsGuest: false);

    private async Task<(AccessTokenStore Inner, CachedAccessTokenStore Cached)> StoresAsync()
    {
        var inner = new AccessTokenStore(await fixture.GetSharedDatabaseAsync(), _time);
        return (inner, new CachedAccessTokenStore(inner, _time));
    }

    private async Task DeleteRowBehindTheCacheAsync(byte[] hash)
    {
        await using var connection = await (await fixture.GetSharedDatabaseAsync()).OpenConnectionAsync(None);
        await connection.ExecuteAsync("DELETE FROM access_tokens WHERE token_hash = @Hash", new { Hash = hash });
    }

    [Fact]
    public async Task A_found_token_is_answered_from_memory_for_its_lifetime_only()
    {
        var (inner, cached) = await StoresAsync();
        var hash = NewTokenHash();
        var record = Record("@alice:example.org", "A");
        await inner.AddAsync(hash, record, None);
        (await cached.FindByTokenHashAsync(hash, None)).Should().Be(record);

        // Deleted by another node sharing the database: this node still knows it, for at most the lifetime.
        await DeleteRowBehindTheCacheAsync(hash);
        (await cached.FindByTokenHashAsync(hash, None)).Should().Be(record);
        _time.Advance(CachedAccessTokenStore.Lifetime);
        (await cached.FindByTokenHashAsync(hash, None)).Should().BeNull();
    }

    [Fact]
    public async Task A_token_deleted_through_the_store_fails_at_once()
    {
        var (inner, cached) = await StoresAsync();
        var loggedOut = NewTokenHash();
        var otherDevice = NewTokenHash();
        var kept = NewTokenHash();
        await inner.AddAsync(loggedOut, Record("@bob:example.org", "B1"), None);
        await inner.AddAsync(otherDevice, Record("@bob:example.org", "B2"), None);
        await inner.AddAsync(kept, Record("@bob:example.org", "B3"), None);
        foreach (var hash in new[] { loggedOut, otherDevice, kept })
            (await cached.FindByTokenHashAsync(hash, None)).Should().NotBeNull();

        (await cached.DeleteAsync(loggedOut, None)).Should().BeTrue();
        (await cached.FindByTokenHashAsync(loggedOut, None)).Should().BeNull();

        (await cached.DeleteByUserAsync("@bob:example.org", keepDeviceId: "B3", None)).Should().Be(1);
        (await cached.FindByTokenHashAsync(otherDevice, None)).Should().BeNull();
        (await cached.FindByTokenHashAsync(kept, None)).Should().NotBeNull();

        (await cached.DeleteByDeviceAsync("@bob:example.org", "B3", None)).Should().Be(1);
        (await cached.FindByTokenHashAsync(kept, None)).Should().BeNull();
    }

    [Fact]
    public async Task An_unknown_token_is_not_remembered_as_unknown()
    {
        var (inner, cached) = await StoresAsync();
        var hash = NewTokenHash();
        (await cached.FindByTokenHashAsync(hash, None)).Should().BeNull();

        await inner.AddAsync(hash, Record("@carol:example.org", "C"), None);

        (await cached.FindByTokenHashAsync(hash, None)).Should().NotBeNull();
    }
}
