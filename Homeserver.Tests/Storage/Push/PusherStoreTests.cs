using Homeserver.Storage.Push;

namespace Homeserver.Tests.Storage.Push;

/// <summary>Pushers, run against each backend by the subclasses below.</summary>
public abstract class PusherStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<PusherStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    private static PusherRecord Pusher(string user, string pushkey, string lang = "en", string? tag = null) =>
        new(user, "com.example.app", pushkey, "http", "App", "Phone", tag, lang, """{"url":"https://push.example/_matrix/push/v1/notify"}""", 1_700_000_000);

    [SkippableFact]
    public async Task Pushers_are_replaced_by_app_and_pushkey_and_deleted()
    {
        var store = await StoreAsync();
        var user = NewUser();
        var key = Guid.NewGuid().ToString("N");

        await store.SetAsync(Pusher(user, key), append: false, None);
        await store.SetAsync(Pusher(user, key, lang: "de", tag: "t"), append: false, None);
        await store.SetAsync(Pusher(user, key + "2"), append: false, None);

        var pushers = await store.GetForUserAsync(user, None);
        pushers.Should().Equal(Pusher(user, key, lang: "de", tag: "t"), Pusher(user, key + "2"));
        (await store.DeleteAsync(user, "com.example.app", key, None)).Should().BeTrue();
        (await store.DeleteAsync(user, "com.example.app", key, None)).Should().BeFalse();
        (await store.GetForUserAsync(user, None)).Should().Equal(Pusher(user, key + "2"));
    }

    [SkippableFact]
    public async Task Without_append_a_pushkey_moves_from_other_users()
    {
        var store = await StoreAsync();
        var (first, second, third) = (NewUser(), NewUser(), NewUser());
        var key = Guid.NewGuid().ToString("N");

        await store.SetAsync(Pusher(first, key), append: false, None);
        await store.SetAsync(Pusher(second, key), append: true, None);
        (await store.GetForUserAsync(first, None)).Should().HaveCount(1);
        (await store.GetForUserAsync(second, None)).Should().HaveCount(1);

        await store.SetAsync(Pusher(third, key), append: false, None);
        (await store.GetForUserAsync(first, None)).Should().BeEmpty();
        (await store.GetForUserAsync(second, None)).Should().BeEmpty();
        (await store.GetForUserAsync(third, None)).Should().HaveCount(1);
    }
}

public sealed class SqlitePusherStoreTests(SqliteBackendFixture fixture) : PusherStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresPusherStoreTests(PostgresBackendFixture fixture) : PusherStoreTests<PostgresBackendFixture>(fixture);
