using Homeserver.Storage.Accounts;
using Homeserver.Storage.Events;
using Homeserver.Storage.PublishedRooms;
using Homeserver.Storage.UserData;
using Homeserver.Storage.UserDirectory;
using Homeserver.Tests.Storage.Events;

namespace Homeserver.Tests.Storage.UserDirectory;

/// <summary>The user directory search, run against each backend by the subclasses below.</summary>
public abstract class UserDirectoryStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Finds_room_mates_and_members_of_published_rooms_by_id_or_name_only()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var users = new UserStore(database);
        var profiles = new ProfileStore(database);
        var events = new RoomEventStore(database);
        var tag = Guid.NewGuid().ToString("N")[..8];
        string Id(string name) => $"@{name}{tag}:test.example";
        foreach (var (name, display, deactivated) in new[]
        {
            ("searcher", "Searcher", false), ("mate", "Room Mate 100%", false), ("public", "Town Crier", false),
            ("stranger", "Stranger", false), ("gone", "Gone Mate", true),
        })
        {
            await users.CreateAsync(new UserRecord(Id(name), null, 1, IsGuest: false, deactivated, Admin: false), None);
            await profiles.CreateAsync(Id(name), display + " " + tag, None);
        }
        var shared = new TestRoom();
        await events.PersistAsync(shared.Create(Id("searcher")), None);
        await events.PersistAsync(shared.Batch([shared.Member(Id("mate"), "join"), shared.Member(Id("gone"), "join")]), None);
        var town = new TestRoom();
        await events.PersistAsync(town.Create(Id("public")), None);
        await new PublishedRoomStore(database).PublishAsync(town.RoomId, 1, None);
        var hidden = new TestRoom();
        await events.PersistAsync(hidden.Create(Id("stranger")), None);

        var store = new UserDirectoryStore(database);
        (await store.SearchAsync(Id("searcher"), tag, 10, None)).Select(e => e.UserId)
            .Should().BeEquivalentTo([Id("mate"), Id("public"), Id("searcher")]);
        var byName = await store.SearchAsync(Id("searcher"), "ROOM MATE 100% " + tag, 10, None);
        byName.Should().ContainSingle().Which.Should().Be(new UserDirectoryEntry(Id("mate"), "Room Mate 100% " + tag, null));
        (await store.SearchAsync(Id("searcher"), "stranger" + tag, 10, None)).Should().BeEmpty();
        (await store.SearchAsync(Id("searcher"), "Mate 1_0", 10, None)).Should().BeEmpty("LIKE wildcards in the term are literal");
        (await store.SearchAsync(Id("searcher"), tag, 1, None)).Should().HaveCount(1);
    }
}

public sealed class SqliteUserDirectoryStoreTests(SqliteBackendFixture fixture) : UserDirectoryStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresUserDirectoryStoreTests(PostgresBackendFixture fixture) : UserDirectoryStoreTests<PostgresBackendFixture>(fixture);
