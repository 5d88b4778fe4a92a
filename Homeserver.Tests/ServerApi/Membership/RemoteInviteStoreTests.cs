using Homeserver.Storage.Federation;
using Homeserver.Tests.Storage;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>Pending invites to rooms held elsewhere, run against each backend by the subclasses below.</summary>
public abstract class RemoteInviteStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<RemoteInviteStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    [SkippableFact]
    public async Task Invites_are_stored_replaced_rejected_and_read_by_position()
    {
        var store = await StoreAsync();
        var room = $"!{Guid.NewGuid():N}:remote.test";
        var other = $"!{Guid.NewGuid():N}:remote.test";
        var user = $"@{Guid.NewGuid():N}:test.example";

        var p1 = await store.AddAsync(room, user, "$1", "10", "@dan:remote.test", "{\"a\":1}", "[]", None);
        var p2 = await store.AddAsync(other, user, "$2", "11", "@dan:remote.test", "{\"b\":2}", "[{}]", None);
        p2.Should().BeGreaterThan(p1);
        (await store.GetMaxPositionAsync(None)).Should().BeGreaterThanOrEqualTo(p2);

        var both = await store.GetChangedAsync(user, p1 - 1, p2, None);
        both.Select(i => (i.RoomId, i.EventId, i.State, i.StreamPosition)).Should()
            .Equal((room, "$1", RemoteInviteRecord.Pending, p1), (other, "$2", RemoteInviteRecord.Pending, p2));
        (await store.GetAsync(other, user, None)).Should().Be(both[1]);
        (await store.GetChangedAsync(user, p2, p2, None)).Should().BeEmpty();
        (await store.GetChangedAsync("@someone:test.example", 0, p2, None)).Should().BeEmpty();

        var p3 = await store.AddAsync(room, user, "$3", "10", "@eve:remote.test", "{}", "[]", None);
        (await store.GetAsync(room, user, None))!.Should().Match<RemoteInviteRecord>(i => i.EventId == "$3" && i.Sender == "@eve:remote.test"
            && i.StreamPosition == p3);

        (await store.MarkRejectedAsync(room, user, None)).Should().BeTrue();
        (await store.MarkRejectedAsync(room, user, None)).Should().BeFalse("only a pending invite can be rejected");
        var rejected = (await store.GetAsync(room, user, None))!;
        rejected.State.Should().Be(RemoteInviteRecord.Rejected);
        rejected.StreamPosition.Should().BeGreaterThan(p3);

        await store.RemoveAsync(other, user, None);
        (await store.GetAsync(other, user, None)).Should().BeNull();
        (await store.GetChangedAsync(user, 0, long.MaxValue, None)).Select(i => i.RoomId).Should().Equal(room);
    }
}

public sealed class SqliteRemoteInviteStoreTests(SqliteBackendFixture fixture) : RemoteInviteStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRemoteInviteStoreTests(PostgresBackendFixture fixture) : RemoteInviteStoreTests<PostgresBackendFixture>(fixture);
