using Homeserver.Storage;
using Homeserver.Storage.Accounts;

namespace Homeserver.Tests.Storage.Accounts;

/// <summary>The users table, run against each backend by the subclasses below.</summary>
public abstract class UserStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<UserStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUserId() => $"@u{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task A_created_user_is_found_with_all_its_fields()
    {
        var store = await StoreAsync();
        var user = new UserRecord(NewUserId(), "$2b$04$abcdefghijklmnopqrstuu", 1_700_000_000_000, IsGuest: false, Deactivated: false, Admin: true);

        await store.CreateAsync(user, CancellationToken.None);

        (await store.FindAsync(user.UserId, CancellationToken.None)).Should().Be(user);
        (await store.ExistsAsync(user.UserId, CancellationToken.None)).Should().BeTrue();
    }

    [SkippableFact]
    public async Task A_guest_without_password_round_trips_and_unknown_users_are_absent()
    {
        var store = await StoreAsync();
        var guest = new UserRecord(NewUserId(), null, 1, IsGuest: true, Deactivated: false, Admin: false);
        await store.CreateAsync(guest, CancellationToken.None);

        (await store.FindAsync(guest.UserId, CancellationToken.None)).Should().Be(guest);
        (await store.FindAsync(NewUserId(), CancellationToken.None)).Should().BeNull();
        (await store.ExistsAsync(NewUserId(), CancellationToken.None)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Creating_a_taken_user_id_is_a_conflict()
    {
        var store = await StoreAsync();
        var user = new UserRecord(NewUserId(), "h1", 1, false, false, false);
        await store.CreateAsync(user, CancellationToken.None);

        await store.Invoking(s => s.CreateAsync(user with { PasswordHash = "h2" }, CancellationToken.None))
            .Should().ThrowAsync<StorageConflictException>();
        (await store.FindAsync(user.UserId, CancellationToken.None))!.PasswordHash.Should().Be("h1");
    }

    [SkippableFact]
    public async Task Password_change_and_deactivation_update_the_row()
    {
        var store = await StoreAsync();
        var user = new UserRecord(NewUserId(), "old", 1, false, false, false);
        await store.CreateAsync(user, CancellationToken.None);

        (await store.SetPasswordHashAsync(user.UserId, "new", CancellationToken.None)).Should().BeTrue();
        (await store.FindAsync(user.UserId, CancellationToken.None))!.PasswordHash.Should().Be("new");

        (await store.DeactivateAsync(user.UserId, CancellationToken.None)).Should().BeTrue();
        (await store.FindAsync(user.UserId, CancellationToken.None)).Should().Be(user with { PasswordHash = null, Deactivated = true });
        (await store.ExistsAsync(user.UserId, CancellationToken.None)).Should().BeTrue("deactivated ids are never reused");

        (await store.SetPasswordHashAsync(NewUserId(), "x", CancellationToken.None)).Should().BeFalse();
        (await store.DeactivateAsync(NewUserId(), CancellationToken.None)).Should().BeFalse();
    }
}

public sealed class SqliteUserStoreTests(SqliteBackendFixture fixture) : UserStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresUserStoreTests(PostgresBackendFixture fixture) : UserStoreTests<PostgresBackendFixture>(fixture);
