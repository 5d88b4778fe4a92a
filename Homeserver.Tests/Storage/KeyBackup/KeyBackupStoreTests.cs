using Homeserver.Storage.KeyBackup;

namespace Homeserver.Tests.Storage.KeyBackup;

/// <summary>The key backup store, run against each backend by the subclasses below.</summary>
public abstract class KeyBackupStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private const string Algorithm = "m.megolm_backup.v1.curve25519-aes-sha2";
    private const string Room = "!room:example.org";

    private async Task<KeyBackupStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    private static BackedUpKey Key(string session, long firstMessageIndex = 0, bool verified = false, string room = Room) =>
        new(room, session, firstMessageIndex, 0, verified, $$"""{"ciphertext":"{{session}}-{{firstMessageIndex}}"}""");

    private static bool Never(BackedUpKey incoming, BackedUpKey existing) => false;

    private static bool Always(BackedUpKey incoming, BackedUpKey existing) => true;

    [SkippableFact]
    public async Task Versions_count_up_per_user_and_the_latest_is_the_highest_not_deleted()
    {
        var store = await StoreAsync();
        var alice = NewUser();

        (await store.GetVersionAsync(alice, null, CancellationToken.None)).Should().BeNull();
        (await store.CreateVersionAsync(alice, Algorithm, """{"public_key":"a"}""", CancellationToken.None)).Should().Be(1);
        (await store.CreateVersionAsync(alice, Algorithm, """{"public_key":"b"}""", CancellationToken.None)).Should().Be(2);
        (await store.CreateVersionAsync(NewUser(), Algorithm, "{}", CancellationToken.None)).Should().Be(1);

        (await store.GetVersionAsync(alice, null, CancellationToken.None)).Should().Be(new BackupVersionRecord(2, Algorithm, """{"public_key":"b"}""", 0, 0));
        (await store.GetVersionAsync(alice, 1, CancellationToken.None))!.AuthDataJson.Should().Be("""{"public_key":"a"}""");

        (await store.DeleteVersionAsync(alice, 2, CancellationToken.None)).Should().BeTrue();
        (await store.DeleteVersionAsync(alice, 2, CancellationToken.None)).Should().BeTrue();
        (await store.DeleteVersionAsync(alice, 7, CancellationToken.None)).Should().BeFalse();
        (await store.GetVersionAsync(alice, 2, CancellationToken.None)).Should().BeNull();
        (await store.GetVersionAsync(alice, null, CancellationToken.None))!.Version.Should().Be(1);
        // A deleted number is never reused.
        (await store.CreateVersionAsync(alice, Algorithm, "{}", CancellationToken.None)).Should().Be(3);
    }

    [SkippableFact]
    public async Task Auth_data_of_a_live_version_can_be_replaced()
    {
        var store = await StoreAsync();
        var alice = NewUser();
        await store.CreateVersionAsync(alice, Algorithm, """{"v":1}""", CancellationToken.None);

        (await store.UpdateAuthDataAsync(alice, 1, """{"v":2}""", CancellationToken.None)).Should().BeTrue();
        (await store.UpdateAuthDataAsync(alice, 5, """{"v":2}""", CancellationToken.None)).Should().BeFalse();

        (await store.GetVersionAsync(alice, 1, CancellationToken.None))!.AuthDataJson.Should().Be("""{"v":2}""");
    }

    [SkippableFact]
    public async Task Keys_are_stored_counted_and_the_etag_moves_only_when_something_changes()
    {
        var store = await StoreAsync();
        var alice = NewUser();
        await store.CreateVersionAsync(alice, Algorithm, "{}", CancellationToken.None);

        var first = await store.PutKeysAsync(alice, 1, [Key("s1"), Key("s2"), Key("s3", room: "!other:example.org")], Never, CancellationToken.None);
        first.Should().Be(new BackupKeysResult(BackupKeysStatus.Done, 1, 3, 1));

        var unchanged = await store.PutKeysAsync(alice, 1, [Key("s1", 5)], Never, CancellationToken.None);
        unchanged.Should().Be(new BackupKeysResult(BackupKeysStatus.Done, 1, 3, 1));
        (await store.GetKeysAsync(alice, 1, Room, "s1", CancellationToken.None)).Should().Equal(Key("s1"));

        var replaced = await store.PutKeysAsync(alice, 1, [Key("s1", 5, verified: true)], Always, CancellationToken.None);
        replaced.Should().Be(new BackupKeysResult(BackupKeysStatus.Done, 2, 3, 1));
        (await store.GetKeysAsync(alice, 1, Room, "s1", CancellationToken.None)).Should().Equal(Key("s1", 5, verified: true));

        (await store.GetKeysAsync(alice, 1, Room, null, CancellationToken.None))!.Select(k => k.SessionId).Should().Equal("s1", "s2");
        (await store.GetKeysAsync(alice, 1, null, null, CancellationToken.None))!.Select(k => k.SessionId).Should().Equal("s3", "s1", "s2");
        (await store.GetVersionAsync(alice, 1, CancellationToken.None)).Should().Match<BackupVersionRecord>(v => v.Etag == 2 && v.Count == 3);
    }

    [SkippableFact]
    public async Task The_replacement_rule_sees_the_incoming_and_the_stored_key()
    {
        var store = await StoreAsync();
        var alice = NewUser();
        await store.CreateVersionAsync(alice, Algorithm, "{}", CancellationToken.None);
        await store.PutKeysAsync(alice, 1, [Key("s1", 3)], Never, CancellationToken.None);
        var seen = new List<(BackedUpKey Incoming, BackedUpKey Existing)>();

        await store.PutKeysAsync(alice, 1, [Key("s1", 1), Key("new")], (incoming, existing) =>
        {
            seen.Add((incoming, existing));
            return true;
        }, CancellationToken.None);

        seen.Should().Equal((Key("s1", 1), Key("s1", 3)));
    }

    [SkippableFact]
    public async Task Keys_go_only_to_the_latest_version()
    {
        var store = await StoreAsync();
        var alice = NewUser();

        (await store.PutKeysAsync(alice, 1, [Key("s1")], Never, CancellationToken.None))
            .Should().Be(new BackupKeysResult(BackupKeysStatus.UnknownVersion, 0, 0, null));
        await store.CreateVersionAsync(alice, Algorithm, "{}", CancellationToken.None);
        await store.CreateVersionAsync(alice, Algorithm, "{}", CancellationToken.None);

        (await store.PutKeysAsync(alice, 1, [Key("s1")], Never, CancellationToken.None))
            .Should().Be(new BackupKeysResult(BackupKeysStatus.NotLatestVersion, 0, 0, 2));
        (await store.PutKeysAsync(alice, 9, [Key("s1")], Never, CancellationToken.None))
            .Should().Be(new BackupKeysResult(BackupKeysStatus.UnknownVersion, 0, 0, 2));
        (await store.GetKeysAsync(alice, 1, null, null, CancellationToken.None)).Should().BeEmpty();
        (await store.GetKeysAsync(alice, 9, null, null, CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Deleting_keys_by_session_room_or_all_counts_down_and_moves_the_etag()
    {
        var store = await StoreAsync();
        var alice = NewUser();
        await store.CreateVersionAsync(alice, Algorithm, "{}", CancellationToken.None);
        await store.PutKeysAsync(alice, 1, [Key("s1"), Key("s2"), Key("s3"), Key("s4", room: "!other:example.org")], Never, CancellationToken.None);

        (await store.DeleteKeysAsync(alice, 1, Room, "s1", CancellationToken.None)).Should().Be(new BackupKeysResult(BackupKeysStatus.Done, 2, 3, 1));
        (await store.DeleteKeysAsync(alice, 1, Room, "s1", CancellationToken.None)).Should().Be(new BackupKeysResult(BackupKeysStatus.Done, 2, 3, 1));
        (await store.DeleteKeysAsync(alice, 1, Room, null, CancellationToken.None)).Should().Be(new BackupKeysResult(BackupKeysStatus.Done, 3, 1, 1));
        (await store.DeleteKeysAsync(alice, 1, null, null, CancellationToken.None)).Should().Be(new BackupKeysResult(BackupKeysStatus.Done, 4, 0, 1));
        (await store.DeleteKeysAsync(alice, 2, null, null, CancellationToken.None)).Status.Should().Be(BackupKeysStatus.UnknownVersion);
    }

    [SkippableFact]
    public async Task Deleting_a_version_deletes_its_keys()
    {
        var store = await StoreAsync();
        var alice = NewUser();
        await store.CreateVersionAsync(alice, Algorithm, "{}", CancellationToken.None);
        await store.PutKeysAsync(alice, 1, [Key("s1")], Never, CancellationToken.None);

        await store.DeleteVersionAsync(alice, 1, CancellationToken.None);

        (await store.GetKeysAsync(alice, 1, null, null, CancellationToken.None)).Should().BeNull();
        (await store.DeleteKeysAsync(alice, 1, null, null, CancellationToken.None)).Status.Should().Be(BackupKeysStatus.UnknownVersion);
    }

    [SkippableFact]
    public async Task Concurrent_first_backups_of_a_user_get_distinct_versions()
    {
        var store = await StoreAsync();
        var alice = NewUser();

        var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.CreateVersionAsync(alice, Algorithm, "{}", CancellationToken.None)));

        versions.Should().BeEquivalentTo([1L, 2L, 3L, 4L]);
    }
}

public sealed class SqliteKeyBackupStoreTests(SqliteBackendFixture fixture) : KeyBackupStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresKeyBackupStoreTests(PostgresBackendFixture fixture) : KeyBackupStoreTests<PostgresBackendFixture>(fixture);
