using Homeserver.Storage.ToDevice;

namespace Homeserver.Tests.Storage.ToDevice;

/// <summary>The to-device inbox store and its stream, run against each backend by the subclasses below.</summary>
public abstract class ToDeviceStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private const string Sender = "@sender:example.org";
    private const long Now = 1_700_000_000_000;

    private async Task<ToDeviceStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    private static ToDeviceTransactionKey NewTransaction() => new(Sender, "SENDERDEV", Guid.NewGuid().ToString("N"));

    [SkippableFact]
    public async Task A_send_takes_one_new_position_for_all_its_messages_and_each_device_reads_its_own()
    {
        var store = await StoreAsync();
        var bob = NewUser();
        var carol = NewUser();
        var before = await store.GetCurrentPositionAsync(CancellationToken.None);

        var position = await store.EnqueueAsync(NewTransaction(), Now, Sender, "m.test",
            [new(bob, "B1", """{"n":1}"""), new(bob, "B2", """{"n":2}"""), new(carol, "C1", """{"n":3}""")], CancellationToken.None);

        position.Should().BeGreaterThan(before);
        (await store.GetCurrentPositionAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(position!.Value);
        (await store.TakeAsync(bob, "B1", 0, position.Value, 10, CancellationToken.None))
            .Should().Equal(new QueuedToDeviceMessage(position.Value, Sender, "m.test", """{"n":1}"""));
        (await store.TakeAsync(bob, "B2", 0, position.Value, 10, CancellationToken.None)).Select(m => m.ContentJson).Should().Equal("""{"n":2}""");
        (await store.TakeAsync(carol, "C1", 0, position.Value, 10, CancellationToken.None)).Select(m => m.ContentJson).Should().Equal("""{"n":3}""");
        (await store.TakeAsync(carol, "B1", 0, position.Value, 10, CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_repeated_transaction_queues_nothing_but_another_device_of_the_sender_may_use_the_same_id()
    {
        var store = await StoreAsync();
        var bob = NewUser();
        var transaction = NewTransaction();

        var first = await store.EnqueueAsync(transaction, Now, Sender, "m.test", [new(bob, "B1", "{}")], CancellationToken.None);
        var repeat = await store.EnqueueAsync(transaction, Now, Sender, "m.test", [new(bob, "B1", "{}")], CancellationToken.None);
        var otherDevice = await store.EnqueueAsync(transaction with { DeviceId = "OTHERDEV" }, Now, Sender, "m.test", [new(bob, "B1", "{}")],
            CancellationToken.None);

        first.Should().NotBeNull();
        repeat.Should().BeNull();
        otherDevice.Should().BeGreaterThan(first!.Value);
        (await store.TakeAsync(bob, "B1", 0, otherDevice!.Value, 10, CancellationToken.None)).Should().HaveCount(2);
    }

    [SkippableFact]
    public async Task Take_deletes_the_acknowledged_messages_and_returns_the_next_ones_up_to_the_bound_and_limit()
    {
        var store = await StoreAsync();
        var bob = NewUser();
        var positions = new List<long>();
        for (var i = 0; i < 4; i++)
            positions.Add((await store.EnqueueAsync(NewTransaction(), Now, Sender, "m.test", [new(bob, "B1", $$"""{"n":{{i}} }""")], CancellationToken.None))!.Value);

        // Not acknowledged yet: the same messages again (a lost sync response).
        (await store.TakeAsync(bob, "B1", 0, positions[2], 10, CancellationToken.None)).Select(m => m.Position).Should().Equal(positions[..3]);
        (await store.TakeAsync(bob, "B1", 0, positions[3], 2, CancellationToken.None)).Select(m => m.Position).Should().Equal(positions[..2]);

        (await store.TakeAsync(bob, "B1", positions[1], positions[3], 10, CancellationToken.None)).Select(m => m.Position).Should().Equal(positions[2..]);
        // Acknowledged ones are gone even for an older since.
        (await store.TakeAsync(bob, "B1", 0, positions[3], 10, CancellationToken.None)).Select(m => m.Position).Should().Equal(positions[2..]);
        (await store.TakeAsync(bob, "B1", positions[3], positions[3], 10, CancellationToken.None)).Should().BeEmpty();
        (await store.TakeAsync(bob, "B1", 0, positions[3], 10, CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Read_returns_the_messages_after_a_position_and_deletes_none()
    {
        var store = await StoreAsync();
        var bob = NewUser();
        var positions = new List<long>();
        for (var i = 0; i < 3; i++)
            positions.Add((await store.EnqueueAsync(NewTransaction(), Now, Sender, "m.test", [new(bob, "B1", $$"""{"n":{{i}}}""")], CancellationToken.None))!.Value);

        (await store.ReadAsync(bob, "B1", positions[0], positions[2], 10, CancellationToken.None)).Select(m => m.Position).Should().Equal(positions[1..]);
        (await store.ReadAsync(bob, "B1", 0, positions[1], 10, CancellationToken.None)).Select(m => m.Position).Should().Equal(positions[..2]);
        (await store.ReadAsync(bob, "B1", 0, positions[2], 1, CancellationToken.None)).Single().ContentJson.Should().Be("""{"n":0}""");
        (await store.ReadAsync(bob, "B2", 0, positions[2], 10, CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_transaction_id_is_forgotten_after_the_retention_period()
    {
        var store = await StoreAsync();
        var bob = NewUser();
        var transaction = NewTransaction();
        var later = Now + (long)ToDeviceStore.TransactionRetention.TotalMilliseconds;
        await store.EnqueueAsync(transaction, Now, Sender, "m.test", [new(bob, "B1", "{}")], CancellationToken.None);

        (await store.EnqueueAsync(transaction, later, Sender, "m.test", [new(bob, "B1", "{}")], CancellationToken.None)).Should().BeNull();
        (await store.EnqueueAsync(transaction, later + 1, Sender, "m.test", [new(bob, "B1", "{}")], CancellationToken.None)).Should().NotBeNull();
        (await store.EnqueueAsync(transaction, later + 2, Sender, "m.test", [new(bob, "B1", "{}")], CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_send_with_no_messages_records_its_transaction_without_a_position()
    {
        var store = await StoreAsync();
        var transaction = NewTransaction();

        (await store.EnqueueAsync(transaction, Now, Sender, "m.test", [], CancellationToken.None)).Should().BeNull();

        var bob = NewUser();
        (await store.EnqueueAsync(transaction, Now, Sender, "m.test", [new(bob, "B1", "{}")], CancellationToken.None)).Should().BeNull();
        (await store.TakeAsync(bob, "B1", 0, long.MaxValue, 10, CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Deleting_a_device_drops_its_messages_and_its_transaction_ids()
    {
        var store = await StoreAsync();
        var bob = NewUser();
        var transaction = new ToDeviceTransactionKey(bob, "B1", "txn");
        await store.EnqueueAsync(transaction, Now, bob, "m.test", [new(bob, "B1", "{}"), new(bob, "B2", "{}")], CancellationToken.None);

        await store.DeleteDeviceAsync(bob, "B1", CancellationToken.None);

        (await store.TakeAsync(bob, "B1", 0, long.MaxValue, 10, CancellationToken.None)).Should().BeEmpty();
        (await store.TakeAsync(bob, "B2", 0, long.MaxValue, 10, CancellationToken.None)).Should().HaveCount(1);
        (await store.EnqueueAsync(transaction, Now, bob, "m.test", [new(bob, "B2", "{}")], CancellationToken.None)).Should().NotBeNull();
    }

    [SkippableFact]
    public async Task Deleting_a_users_devices_keeps_the_one_named_or_none()
    {
        var store = await StoreAsync();
        var bob = NewUser();
        var other = NewUser();
        await store.EnqueueAsync(NewTransaction(), Now, Sender, "m.test",
            [new(bob, "B1", "{}"), new(bob, "B2", "{}"), new(bob, "B3", "{}"), new(other, "O1", "{}")], CancellationToken.None);

        await store.DeleteUserDevicesAsync(bob, "B2", CancellationToken.None);

        (await store.TakeAsync(bob, "B1", 0, long.MaxValue, 10, CancellationToken.None)).Should().BeEmpty();
        (await store.TakeAsync(bob, "B3", 0, long.MaxValue, 10, CancellationToken.None)).Should().BeEmpty();
        (await store.TakeAsync(bob, "B2", 0, long.MaxValue, 10, CancellationToken.None)).Should().HaveCount(1);

        await store.DeleteUserDevicesAsync(bob, null, CancellationToken.None);

        (await store.TakeAsync(bob, "B2", 0, long.MaxValue, 10, CancellationToken.None)).Should().BeEmpty();
        (await store.TakeAsync(other, "O1", 0, long.MaxValue, 10, CancellationToken.None)).Should().HaveCount(1);
    }
}

public sealed class SqliteToDeviceStoreTests(SqliteBackendFixture fixture) : ToDeviceStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresToDeviceStoreTests(PostgresBackendFixture fixture) : ToDeviceStoreTests<PostgresBackendFixture>(fixture);
