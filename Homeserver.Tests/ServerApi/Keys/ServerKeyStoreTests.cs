using Homeserver.Storage.Federation;
using Homeserver.Tests.Storage;

namespace Homeserver.Tests.ServerApi.Keys;

/// <summary>The server key store, run against each backend by the subclasses below.</summary>
public abstract class ServerKeyStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<ServerKeyStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewServer() => $"s{Guid.NewGuid():N}.test";

    [SkippableFact]
    public async Task A_saved_response_and_its_keys_read_back()
    {
        var store = await StoreAsync();
        var server = NewServer();
        var response = new StoredKeyResponse(server, "{\"server_name\":\"" + server + "\"}", 2_000, 1_000);

        await store.SaveAsync(response, [new StoredServerKey("ed25519:a", "keyA", 2_000), new StoredServerKey("ed25519:old", "keyOld", 500)],
            CancellationToken.None);

        (await store.GetResponseAsync(server, CancellationToken.None)).Should().Be(response);
        (await store.GetKeysAsync(server, CancellationToken.None)).Should().Equal(
            new StoredServerKey("ed25519:a", "keyA", 2_000), new StoredServerKey("ed25519:old", "keyOld", 500));
        (await store.GetResponseAsync(NewServer(), CancellationToken.None)).Should().BeNull();
        (await store.GetKeysAsync(NewServer(), CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_later_save_replaces_the_response_and_keys_with_the_same_id_and_keeps_the_others()
    {
        var store = await StoreAsync();
        var server = NewServer();
        await store.SaveAsync(new StoredKeyResponse(server, "{}", 2_000, 1_000),
            [new StoredServerKey("ed25519:a", "keyA", 2_000), new StoredServerKey("ed25519:b", "keyB", 2_000)], CancellationToken.None);

        var later = new StoredKeyResponse(server, "{\"later\":true}", 9_000, 5_000);
        await store.SaveAsync(later, [new StoredServerKey("ed25519:a", "keyA", 9_000)], CancellationToken.None);

        (await store.GetResponseAsync(server, CancellationToken.None)).Should().Be(later);
        (await store.GetKeysAsync(server, CancellationToken.None)).Should().Equal(
            new StoredServerKey("ed25519:a", "keyA", 9_000), new StoredServerKey("ed25519:b", "keyB", 2_000));
    }
}

public sealed class SqliteServerKeyStoreTests(SqliteBackendFixture fixture) : ServerKeyStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresServerKeyStoreTests(PostgresBackendFixture fixture) : ServerKeyStoreTests<PostgresBackendFixture>(fixture);
