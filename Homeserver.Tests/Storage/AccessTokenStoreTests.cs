using System.Security.Cryptography;
using System.Text;
using Dapper;
using Homeserver.Storage;
using Homeserver.Storage.Accounts;

namespace Homeserver.Tests.Storage;

/// <summary>The access token store, run against each backend by the subclasses below.</summary>
public abstract class AccessTokenStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<AccessTokenStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync(), TimeProvider.System);

    /// <summary>A fresh token's hash, as the accounts code will compute it.</summary>
    private static byte[] NewTokenHash() => SHA256.HashData(Encoding.UTF8.GetBytes("syt_" + Guid.NewGuid().ToString("N")));

    [SkippableFact]
    public async Task An_added_token_is_found_by_its_hash()
    {
        var store = await StoreAsync();
        var hash = NewTokenHash();
        var record = new AccessTokenRecord("@alice:example.org", "DEVICEA", ExpiresAtMs: 1_900_000_000_000, IsGuest: false);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await store.AddAsync(hash, record, CancellationToken.None);

        (await store.FindByTokenHashAsync(hash, CancellationToken.None)).Should().Be(record);
        await using var connection = await (await fixture.GetSharedDatabaseAsync()).OpenConnectionAsync(CancellationToken.None);
        var createdTs = await connection.ExecuteScalarAsync<long>("SELECT created_ts FROM access_tokens WHERE token_hash = @Hash", new { Hash = hash });
        createdTs.Should().BeInRange(before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [SkippableFact]
    public async Task A_guest_token_without_expiry_round_trips()
    {
        var store = await StoreAsync();
        var hash = NewTokenHash();
        var record = new AccessTokenRecord("@guest1:example.org", "GUESTDEV", ExpiresAtMs: null, IsGuest: true);

        await store.AddAsync(hash, record, CancellationToken.None);

        (await store.FindByTokenHashAsync(hash, CancellationToken.None)).Should().Be(record);
    }

    [SkippableFact]
    public async Task An_unknown_hash_finds_nothing()
    {
        var store = await StoreAsync();

        (await store.FindByTokenHashAsync(NewTokenHash(), CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Delete_removes_only_that_token_and_reports_whether_it_existed()
    {
        var store = await StoreAsync();
        var hash = NewTokenHash();
        var other = NewTokenHash();
        await store.AddAsync(hash, new AccessTokenRecord("@bob:example.org", "D1", null, false), CancellationToken.None);
        await store.AddAsync(other, new AccessTokenRecord("@bob:example.org", "D2", null, false), CancellationToken.None);

        (await store.DeleteAsync(hash, CancellationToken.None)).Should().BeTrue();
        (await store.DeleteAsync(hash, CancellationToken.None)).Should().BeFalse();

        (await store.FindByTokenHashAsync(hash, CancellationToken.None)).Should().BeNull();
        (await store.FindByTokenHashAsync(other, CancellationToken.None)).Should().NotBeNull();
    }

    [SkippableFact]
    public async Task Adding_a_hash_twice_is_a_conflict_and_keeps_the_first_owner()
    {
        var store = await StoreAsync();
        var hash = NewTokenHash();
        var first = new AccessTokenRecord("@carol:example.org", "D1", null, false);
        await store.AddAsync(hash, first, CancellationToken.None);

        var again = () => store.AddAsync(hash, new AccessTokenRecord("@mallory:example.org", "D9", null, false), CancellationToken.None);

        await again.Should().ThrowAsync<StorageConflictException>();
        (await store.FindByTokenHashAsync(hash, CancellationToken.None)).Should().Be(first);
    }

    [SkippableFact]
    public async Task Hashes_of_the_wrong_length_and_empty_owners_are_rejected()
    {
        var store = await StoreAsync();
        var record = new AccessTokenRecord("@dave:example.org", "D1", null, false);

        await store.Invoking(s => s.AddAsync(new byte[31], record, CancellationToken.None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.FindByTokenHashAsync([], CancellationToken.None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.DeleteAsync(new byte[33], CancellationToken.None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.AddAsync(NewTokenHash(), record with { UserId = "" }, CancellationToken.None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.AddAsync(NewTokenHash(), record with { DeviceId = "" }, CancellationToken.None)).Should().ThrowAsync<ArgumentException>();
    }

    [SkippableFact]
    public async Task Many_concurrent_writers_all_succeed()
    {
        var store = await StoreAsync();
        var hashes = Enumerable.Range(0, 40).Select(_ => NewTokenHash()).ToList();

        await Task.WhenAll(hashes.Select((hash, i) => Task.Run(() =>
            store.AddAsync(hash, new AccessTokenRecord("@erin:example.org", $"D{i}", null, false), CancellationToken.None))));

        foreach (var (hash, i) in hashes.Select((h, i) => (h, i)))
            (await store.FindByTokenHashAsync(hash, CancellationToken.None))!.DeviceId.Should().Be($"D{i}");
    }
}

public sealed class SqliteAccessTokenStoreTests(SqliteBackendFixture fixture) : AccessTokenStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresAccessTokenStoreTests(PostgresBackendFixture fixture) : AccessTokenStoreTests<PostgresBackendFixture>(fixture);
