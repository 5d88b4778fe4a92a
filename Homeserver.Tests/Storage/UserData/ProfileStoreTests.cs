using Homeserver.Storage;
using Homeserver.Storage.UserData;

namespace Homeserver.Tests.Storage.UserData;

/// <summary>The profile store, run against each backend by the subclasses below.</summary>
public abstract class ProfileStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<ProfileStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task A_created_profile_has_the_display_name_and_no_avatar()
    {
        var store = await StoreAsync();
        var user = NewUser();

        await store.CreateAsync(user, "Alice", CancellationToken.None);

        (await store.GetAsync(user, CancellationToken.None)).Should().Be(new ProfileRecord(user, "Alice", null));
    }

    [SkippableFact]
    public async Task An_unknown_user_has_no_profile()
    {
        var store = await StoreAsync();

        (await store.GetAsync(NewUser(), CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Creating_twice_is_a_conflict_and_keeps_the_first()
    {
        var store = await StoreAsync();
        var user = NewUser();
        await store.CreateAsync(user, "First", CancellationToken.None);

        await store.Invoking(s => s.CreateAsync(user, "Second", CancellationToken.None)).Should().ThrowAsync<StorageConflictException>();
        (await store.GetAsync(user, CancellationToken.None))!.DisplayName.Should().Be("First");
    }

    [SkippableFact]
    public async Task Setting_fields_changes_only_that_field_and_null_clears_it()
    {
        var store = await StoreAsync();
        var user = NewUser();
        await store.CreateAsync(user, "Bob", CancellationToken.None);

        await store.SetAvatarUrlAsync(user, "mxc://example.org/abc", CancellationToken.None);
        (await store.GetAsync(user, CancellationToken.None)).Should().Be(new ProfileRecord(user, "Bob", "mxc://example.org/abc"));

        await store.SetDisplayNameAsync(user, "Robert", CancellationToken.None);
        (await store.GetAsync(user, CancellationToken.None)).Should().Be(new ProfileRecord(user, "Robert", "mxc://example.org/abc"));

        await store.SetDisplayNameAsync(user, null, CancellationToken.None);
        await store.SetAvatarUrlAsync(user, null, CancellationToken.None);
        (await store.GetAsync(user, CancellationToken.None)).Should().Be(new ProfileRecord(user, null, null));
    }

    [SkippableFact]
    public async Task Setting_a_field_of_a_missing_profile_creates_it()
    {
        var store = await StoreAsync();
        var user = NewUser();

        await store.SetAvatarUrlAsync(user, "mxc://example.org/x", CancellationToken.None);

        (await store.GetAsync(user, CancellationToken.None)).Should().Be(new ProfileRecord(user, null, "mxc://example.org/x"));
    }
}

public sealed class SqliteProfileStoreTests(SqliteBackendFixture fixture) : ProfileStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresProfileStoreTests(PostgresBackendFixture fixture) : ProfileStoreTests<PostgresBackendFixture>(fixture);
