using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>The batched reads of the current membership index, run against each backend by the subclasses below.</summary>
public abstract class RoomMembershipReadTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Alice = "@alice:test.example";

    private async Task<RoomEventStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string User(string name) => $"@{name}{Guid.NewGuid():N}:test.example";

    /// <summary>Two rooms: Bob joined both then left the second, Carol joined the first, Dave is invited to the second.</summary>
    private static async Task<(TestRoom One, TestRoom Two, string Bob, string Carol, string Dave)> RoomsAsync(RoomEventStore store)
    {
        var (bob, carol, dave) = (User("b"), User("c"), User("d"));
        var one = new TestRoom();
        var two = new TestRoom();
        await store.PersistAsync(one.Create(), None);
        await store.PersistAsync(two.Create(), None);
        await store.PersistAsync(one.Batch([one.Member(bob, "join"), one.Member(carol, "join")]), None);
        await store.PersistAsync(two.Batch([two.Member(bob, "join"), two.Next("m.room.member", dave, sender: Alice, membership: "invite")]), None);
        await store.PersistAsync(two.Batch([two.Member(bob, "leave")]), None);
        return (one, two, bob, carol, dave);
    }

    [SkippableFact]
    public async Task Users_in_several_rooms_are_read_by_room_and_membership()
    {
        var store = await StoreAsync();
        var (one, two, bob, carol, dave) = await RoomsAsync(store);

        var joined = await store.GetUsersInRoomsAsync([one.RoomId, two.RoomId, one.RoomId, "!unknown:test.example"], "join", None);
        joined.Keys.Should().BeEquivalentTo([one.RoomId, two.RoomId]);
        joined[one.RoomId].Should().Equal(new[] { Alice, bob, carol }.Order(StringComparer.Ordinal));
        joined[two.RoomId].Should().Equal(Alice);
        var invited = await store.GetUsersInRoomsAsync([one.RoomId, two.RoomId], "invite", None);
        invited.Keys.Should().Equal(two.RoomId);
        invited[two.RoomId].Should().Equal(dave);
        (await store.GetUsersInRoomsAsync([], "join", None)).Should().BeEmpty();
        await FluentActions.Awaiting(() => store.GetUsersInRoomsAsync([""], "join", None)).Should().ThrowAsync<ArgumentException>();
    }

    [SkippableFact]
    public async Task Memberships_of_room_and_user_pairs_are_the_current_ones_and_absent_without_one()
    {
        var store = await StoreAsync();
        var (one, two, bob, carol, dave) = await RoomsAsync(store);

        var memberships = await store.GetMembershipsAsync(
            [(one.RoomId, bob), (two.RoomId, bob), (one.RoomId, carol), (two.RoomId, carol), (two.RoomId, dave), (two.RoomId, dave), ("!unknown:test.example", bob)],
            None);
        memberships.Should().BeEquivalentTo(new Dictionary<(string RoomId, string UserId), string>
        {
            [(one.RoomId, bob)] = "join",
            [(two.RoomId, bob)] = "leave",
            [(one.RoomId, carol)] = "join",
            [(two.RoomId, dave)] = "invite",
        });
        (await store.GetMembershipsAsync([], None)).Should().BeEmpty();
        await FluentActions.Awaiting(() => store.GetMembershipsAsync([(one.RoomId, "")], None)).Should().ThrowAsync<ArgumentException>();
    }

    [SkippableFact]
    public async Task Users_joined_to_any_of_the_rooms_are_those_with_a_current_join_in_one_of_them()
    {
        var store = await StoreAsync();
        var (one, two, bob, carol, dave) = await RoomsAsync(store);
        var stranger = User("s");

        (await store.GetUsersJoinedToAnyAsync([bob, carol, dave, stranger], [one.RoomId, two.RoomId], None)).Should().BeEquivalentTo([bob, carol]);
        (await store.GetUsersJoinedToAnyAsync([bob, carol, dave, stranger], [two.RoomId], None)).Should().BeEmpty(); // left, invited, never there
        (await store.GetUsersJoinedToAnyAsync([bob, Alice], [two.RoomId, two.RoomId], None)).Should().BeEquivalentTo([Alice]);
        (await store.GetUsersJoinedToAnyAsync([bob], [], None)).Should().BeEmpty();
        (await store.GetUsersJoinedToAnyAsync([], [one.RoomId], None)).Should().BeEmpty();
        await FluentActions.Awaiting(() => store.GetUsersJoinedToAnyAsync([bob], [""], None)).Should().ThrowAsync<ArgumentException>();
    }
}

public sealed class SqliteRoomMembershipReadTests(SqliteBackendFixture fixture) : RoomMembershipReadTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomMembershipReadTests(PostgresBackendFixture fixture) : RoomMembershipReadTests<PostgresBackendFixture>(fixture);
