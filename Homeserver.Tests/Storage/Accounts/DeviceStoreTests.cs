using Homeserver.Storage.Accounts;

namespace Homeserver.Tests.Storage.Accounts;

/// <summary>The devices table, run against each backend by the subclasses below.</summary>
public abstract class DeviceStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<DeviceStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUserId() => $"@u{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task Upsert_creates_then_only_records_the_new_sighting()
    {
        var store = await StoreAsync();
        var userId = NewUserId();
        var device = new DeviceRecord(userId, "DEV1", "Phone", 100, "10.0.0.1");

        (await store.UpsertAsync(device, CancellationToken.None)).Should().BeTrue();
        (await store.UpsertAsync(device with { DisplayName = "Ignored", LastSeenTs = 200, LastSeenIp = "10.0.0.2" }, CancellationToken.None))
            .Should().BeFalse();

        (await store.FindAsync(userId, "DEV1", CancellationToken.None)).Should().Be(device with { LastSeenTs = 200, LastSeenIp = "10.0.0.2" });
    }

    [SkippableFact]
    public async Task Devices_are_listed_per_user_renamed_and_deleted()
    {
        var store = await StoreAsync();
        var alice = NewUserId();
        var bob = NewUserId();
        await store.UpsertAsync(new DeviceRecord(alice, "B", null, null, null), CancellationToken.None);
        await store.UpsertAsync(new DeviceRecord(alice, "A", "Laptop", 1, null), CancellationToken.None);
        await store.UpsertAsync(new DeviceRecord(bob, "A", "Bob's", 1, null), CancellationToken.None);

        (await store.ListAsync(alice, CancellationToken.None)).Select(d => d.DeviceId).Should().Equal("A", "B");

        (await store.SetDisplayNameAsync(alice, "B", "Tablet", CancellationToken.None)).Should().BeTrue();
        (await store.SetDisplayNameAsync(alice, "C", "None", CancellationToken.None)).Should().BeFalse();
        (await store.FindAsync(alice, "B", CancellationToken.None))!.DisplayName.Should().Be("Tablet");

        (await store.DeleteAsync(alice, "A", CancellationToken.None)).Should().BeTrue();
        (await store.DeleteAsync(alice, "A", CancellationToken.None)).Should().BeFalse();
        (await store.FindAsync(bob, "A", CancellationToken.None)).Should().NotBeNull("another user's device of the same id stays");

        (await store.DeleteAllAsync(alice, CancellationToken.None)).Should().Be(1);
        (await store.ListAsync(alice, CancellationToken.None)).Should().BeEmpty();
        (await store.ListAsync(bob, CancellationToken.None)).Should().ContainSingle();
    }
}

public sealed class SqliteDeviceStoreTests(SqliteBackendFixture fixture) : DeviceStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresDeviceStoreTests(PostgresBackendFixture fixture) : DeviceStoreTests<PostgresBackendFixture>(fixture);
