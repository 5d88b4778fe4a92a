using Homeserver.Storage.Database;
using Homeserver.Storage.E2ee;
using Homeserver.Tests.Storage;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>The remote device-list cache, run against each backend by the subclasses below.</summary>
public abstract class RemoteDeviceListStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private Task<IDatabase> DatabaseAsync() => fixture.GetSharedDatabaseAsync();

    private static string NewRemoteUser() => $"@u{Guid.NewGuid():N}:remote.test";

    [SkippableFact]
    public async Task A_resync_replaces_the_list_and_updates_apply_only_to_a_cached_list()
    {
        var database = await DatabaseAsync();
        var store = new RemoteDeviceListStore(database);
        var changes = new DeviceListStore(database);
        var user = NewRemoteUser();
        var before = await changes.GetCurrentPositionAsync(None);

        (await store.GetStateAsync(user, None)).Should().BeNull();
        (await store.ApplyDeviceUpdateAsync(user, 3, new RemoteDeviceRecord("A", "{}", null), deleted: false, None)).Should().BeFalse();

        await store.ReplaceAsync(user, 5, [new RemoteDeviceRecord("A", "{\"a\":1}", "Phone"), new RemoteDeviceRecord("B", null, null)],
            "{\"m\":1}", null, None);
        (await store.GetStateAsync(user, None)).Should().Be(new RemoteDeviceListState(user, 5, false));
        (await store.ApplyDeviceUpdateAsync(user, 6, new RemoteDeviceRecord("C", "{\"c\":1}", "Laptop"), deleted: false, None)).Should().BeTrue();
        (await store.ApplyDeviceUpdateAsync(user, 7, new RemoteDeviceRecord("B", null, null), deleted: true, None)).Should().BeTrue();

        var list = (await store.GetAsync([user, NewRemoteUser()], None)).Should().ContainSingle().Subject;
        list.StreamId.Should().Be(7);
        list.Stale.Should().BeFalse();
        list.MasterKeyJson.Should().Be("{\"m\":1}");
        list.SelfSigningKeyJson.Should().BeNull();
        list.Devices.Should().Equal(new RemoteDeviceRecord("A", "{\"a\":1}", "Phone"), new RemoteDeviceRecord("C", "{\"c\":1}", "Laptop"));

        // Each change is a change of the user on the local device-list stream, for the syncs of local users.
        (await changes.GetChangedUsersAsync(before, await changes.GetCurrentPositionAsync(None), None)).Should().Contain(user);
    }

    [SkippableFact]
    public async Task Stale_lists_and_cross_signing_keys_without_a_list()
    {
        var store = new RemoteDeviceListStore(await DatabaseAsync());
        var user = NewRemoteUser();

        await store.SetCrossSigningKeysAsync(user, "{\"m\":1}", "{\"s\":1}", None);
        (await store.GetStateAsync(user, None)).Should().Be(new RemoteDeviceListState(user, 0, true));
        await store.SetCrossSigningKeysAsync(user, null, "{\"s\":2}", None);
        var keys = (await store.GetAsync([user], None)).Single();
        (keys.MasterKeyJson, keys.SelfSigningKeyJson).Should().Be(("{\"m\":1}", "{\"s\":2}"));

        await store.ReplaceAsync(user, 9, [new RemoteDeviceRecord("A", null, null)], null, null, None);
        (await store.GetStateAsync(user, None))!.Stale.Should().BeFalse();
        await store.MarkStaleAsync(user, None);
        (await store.GetStateAsync(user, None)).Should().Be(new RemoteDeviceListState(user, 9, true));
        (await store.GetAsync([user], None)).Single().Devices.Should().ContainSingle();

        var unknown = NewRemoteUser();
        await store.MarkStaleAsync(unknown, None);
        (await store.GetStateAsync(unknown, None)).Should().Be(new RemoteDeviceListState(unknown, 0, true));
    }

    [SkippableFact]
    public async Task The_latest_positions_of_a_user_on_the_device_list_stream_come_newest_first()
    {
        var changes = new DeviceListStore(await DatabaseAsync());
        var user = $"@u{Guid.NewGuid():N}:test.example";
        (await changes.GetLatestPositionsAsync(user, 2, None)).Should().BeEmpty();
        var first = await changes.AppendAsync([user], None);
        await changes.AppendAsync([NewRemoteUser()], None);
        var second = await changes.AppendAsync([user], None);
        var third = await changes.AppendAsync([user], None);
        (await changes.GetLatestPositionsAsync(user, 2, None)).Should().Equal(third, second);
        (await changes.GetLatestPositionsAsync(user, 5, None)).Should().Equal(third, second, first);
    }
}

public sealed class SqliteRemoteDeviceListStoreTests(SqliteBackendFixture fixture) : RemoteDeviceListStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRemoteDeviceListStoreTests(PostgresBackendFixture fixture) : RemoteDeviceListStoreTests<PostgresBackendFixture>(fixture);
