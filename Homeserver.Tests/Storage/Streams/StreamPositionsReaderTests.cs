using Homeserver.Storage;
using Homeserver.Storage.E2ee;
using Homeserver.Storage.Events;
using Homeserver.Storage.Receipts;
using Homeserver.Storage.Streams;
using Homeserver.Storage.ToDevice;
using Homeserver.Storage.UserData;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.Storage.Streams;

/// <summary>The positions read together equal each store's own, run against each backend by the subclasses below.</summary>
public abstract class StreamPositionsReaderTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Each_position_is_the_owning_stores_position()
    {
        // A database of its own: other tests move the shared database's streams concurrently.
        await using var database = await HomeserverStorage.OpenAsync(await fixture.CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, None);
        var reader = new StreamPositionsReader(database);
        (await reader.ReadAsync(None)).Should().Be(new StreamPositions(0, 0, 0, 0, 0, 0));

        var accountData = new AccountDataStore(database);
        var receipts = new ReceiptStore(database);
        var toDevice = new ToDeviceStore(database);
        var deviceLists = new DeviceListStore(database);
        await accountData.SetAsync("@a:test.example", "", "m.test", "{}", None);
        await accountData.SetAsync("@a:test.example", "", "m.other", "{}", None);
        await receipts.SetAsync(new ReceiptRecord("!r:test.example", "m.read", "@a:test.example", "", "$e", 1, 0), None);
        await toDevice.EnqueueAsync(new ToDeviceTransactionKey("@a:test.example", "A", "t1"), 1, "@a:test.example", "m.test",
            [new ToDeviceMessage("@b:test.example", "B", "{}")], None);
        await deviceLists.AppendAsync(["@a:test.example"], None);
        await deviceLists.AppendAsync(["@b:test.example"], None);
        await deviceLists.AppendAsync(["@c:test.example"], None);

        var positions = await reader.ReadAsync(None);
        positions.Should().Be(new StreamPositions(
            await new RoomEventStore(database).GetMaxStreamOrderingAsync(None),
            0,
            await accountData.GetCurrentPositionAsync(None),
            await receipts.GetCurrentPositionAsync(None),
            await toDevice.GetCurrentPositionAsync(None),
            await deviceLists.GetCurrentPositionAsync(None)));
        positions.AccountData.Should().BeGreaterThan(0);
        positions.Receipts.Should().BeGreaterThan(0);
        positions.ToDevice.Should().BeGreaterThan(0);
        positions.DeviceLists.Should().BeGreaterThan(positions.Receipts, "three appends against one receipt");
    }
}

public sealed class SqliteStreamPositionsReaderTests(SqliteBackendFixture fixture) : StreamPositionsReaderTests<SqliteBackendFixture>(fixture);

public sealed class PostgresStreamPositionsReaderTests(PostgresBackendFixture fixture) : StreamPositionsReaderTests<PostgresBackendFixture>(fixture);
