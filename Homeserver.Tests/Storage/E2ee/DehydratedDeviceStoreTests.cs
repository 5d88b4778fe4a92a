using Homeserver.Storage.E2ee;

namespace Homeserver.Tests.Storage.E2ee;

/// <summary>The dehydrated device store, run against each backend by the subclasses below.</summary>
public abstract class DehydratedDeviceStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<DehydratedDeviceStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:test.example";

    [SkippableFact]
    public async Task A_user_has_at_most_one_dehydrated_device_and_setting_another_tells_which_it_replaced()
    {
        var store = await StoreAsync();
        var alice = NewUser();
        var bob = NewUser();
        (await store.GetAsync(alice, None)).Should().BeNull();

        (await store.SetAsync(new(alice, "D1", """{"algorithm":"a"}"""), None)).Should().BeNull();
        (await store.SetAsync(new(bob, "B1", """{"algorithm":"b"}"""), None)).Should().BeNull();
        (await store.GetAsync(alice, None)).Should().Be(new DehydratedDeviceRecord(alice, "D1", """{"algorithm":"a"}"""));

        (await store.SetAsync(new(alice, "D2/x+y", """{"algorithm":"c"}"""), None)).Should().Be("D1");
        (await store.GetAsync(alice, None)).Should().Be(new DehydratedDeviceRecord(alice, "D2/x+y", """{"algorithm":"c"}"""));
        (await store.SetAsync(new(alice, "D2/x+y", """{"algorithm":"d"}"""), None)).Should().Be("D2/x+y");
        (await store.GetAsync(bob, None))!.DeviceId.Should().Be("B1");
    }

    [SkippableFact]
    public async Task Deleting_forgets_the_dehydrated_device_only_when_the_device_id_matches()
    {
        var store = await StoreAsync();
        var alice = NewUser();
        await store.SetAsync(new(alice, "D1", "{}"), None);

        (await store.DeleteAsync(alice, "OTHER", None)).Should().BeFalse();
        (await store.GetAsync(alice, None)).Should().NotBeNull();
        (await store.DeleteAsync(alice, "D1", None)).Should().BeTrue();
        (await store.GetAsync(alice, None)).Should().BeNull();
        (await store.DeleteAsync(alice, "D1", None)).Should().BeFalse();
    }
}

public sealed class SqliteDehydratedDeviceStoreTests(SqliteBackendFixture fixture) : DehydratedDeviceStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresDehydratedDeviceStoreTests(PostgresBackendFixture fixture) : DehydratedDeviceStoreTests<PostgresBackendFixture>(fixture);
