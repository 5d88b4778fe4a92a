using Homeserver.Storage;
using Homeserver.Storage.Database;
using Homeserver.Storage.E2ee;

namespace Homeserver.Tests.Storage.E2ee;

/// <summary>The end-to-end key stores, run against each backend by the subclasses below.</summary>
public abstract class E2eKeyStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private Task<IDatabase> DatabaseAsync() => fixture.GetSharedDatabaseAsync();

    private static string NewUser() => $"@u{Guid.NewGuid():N}:test.example";

    private static OneTimeKeyRecord Key(string keyId, string value = "k") =>
        new("signed_curve25519", keyId, $"{{\"key\":\"{value}{keyId}\"}}");

    [SkippableFact]
    public async Task One_time_keys_are_counted_and_claimed_oldest_upload_first_each_once()
    {
        var store = new OneTimeKeyStore(await DatabaseAsync());
        var user = NewUser();
        await store.AddAsync(user, "DEV", [Key("B"), Key("C")], None);
        await store.AddAsync(user, "DEV", [Key("A"), new OneTimeKeyRecord("curve25519", "Z", "\"zz\"")], None);

        (await store.CountAsync(user, "DEV", None)).Should().BeEquivalentTo(new Dictionary<string, long> { ["signed_curve25519"] = 3, ["curve25519"] = 1 });
        (await store.ClaimAsync(user, "DEV", "signed_curve25519", None))!.KeyId.Should().Be("B");
        (await store.ClaimAsync(user, "DEV", "signed_curve25519", None))!.KeyId.Should().Be("C");
        var last = await store.ClaimAsync(user, "DEV", "signed_curve25519", None);
        last.Should().Be(Key("A"));
        (await store.ClaimAsync(user, "DEV", "signed_curve25519", None)).Should().BeNull();
        (await store.ClaimAsync(user, "OTHER", "curve25519", None)).Should().BeNull();
        (await store.CountAsync(user, "DEV", None)).Should().BeEquivalentTo(new Dictionary<string, long> { ["curve25519"] = 1 });

        await store.DeleteForDeviceAsync(user, "DEV", None);
        (await store.CountAsync(user, "DEV", None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_key_id_stored_with_other_content_refuses_the_whole_upload()
    {
        var store = new OneTimeKeyStore(await DatabaseAsync());
        var user = NewUser();
        await store.AddAsync(user, "DEV", [Key("A")], None);
        await store.AddAsync(user, "DEV", [Key("A"), Key("B")], None);
        (await store.CountAsync(user, "DEV", None))["signed_curve25519"].Should().Be(2);

        var conflicting = () => store.AddAsync(user, "DEV", [Key("C"), Key("A", "different")], None);
        await conflicting.Should().ThrowAsync<StorageConflictException>();
        (await store.CountAsync(user, "DEV", None))["signed_curve25519"].Should().Be(2);
        (await store.FindAsync(user, "DEV", [Key("A", "x"), Key("C")], None)).Should().Equal(Key("A"));
    }

    [SkippableFact]
    public async Task Parallel_claims_of_a_single_key_hand_it_to_exactly_one()
    {
        var store = new OneTimeKeyStore(await DatabaseAsync());
        var user = NewUser();
        await store.AddAsync(user, "DEV", [Key("ONLY")], None);

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.ClaimAsync(user, "DEV", "signed_curve25519", None))));

        claims.Where(c => c is not null).Select(c => c!.KeyId).Should().Equal("ONLY");
    }

    [SkippableFact]
    public async Task Parallel_claims_of_several_keys_hand_out_each_key_once_and_all_of_them()
    {
        var store = new OneTimeKeyStore(await DatabaseAsync());
        var user = NewUser();
        await store.AddAsync(user, "DEV", [.. Enumerable.Range(0, 5).Select(i => Key($"K{i}"))], None);

        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => store.ClaimAsync(user, "DEV", "signed_curve25519", None))));

        claims.Where(c => c is not null).Select(c => c!.KeyId).Should().BeEquivalentTo(["K0", "K1", "K2", "K3", "K4"]);
    }

    [SkippableFact]
    public async Task Fallback_keys_stay_after_a_claim_and_are_unused_again_only_when_replaced()
    {
        var store = new FallbackKeyStore(await DatabaseAsync());
        var user = NewUser();
        (await store.ClaimAsync(user, "DEV", "signed_curve25519", None)).Should().BeNull();
        await store.SetAsync(user, "DEV", Key("F1"), None);
        (await store.GetUnusedAlgorithmsAsync(user, "DEV", None)).Should().Equal("signed_curve25519");

        (await store.ClaimAsync(user, "DEV", "signed_curve25519", None)).Should().Be(Key("F1"));
        (await store.ClaimAsync(user, "DEV", "signed_curve25519", None)).Should().Be(Key("F1"));
        (await store.GetUnusedAlgorithmsAsync(user, "DEV", None)).Should().BeEmpty();

        await store.SetAsync(user, "DEV", Key("F1"), None);
        (await store.GetUnusedAlgorithmsAsync(user, "DEV", None)).Should().BeEmpty("the same key uploaded again stays used");
        await store.SetAsync(user, "DEV", Key("F2"), None);
        (await store.GetUnusedAlgorithmsAsync(user, "DEV", None)).Should().Equal("signed_curve25519");
        (await store.ClaimAsync(user, "DEV", "signed_curve25519", None)).Should().Be(Key("F2"));

        await store.DeleteForDeviceAsync(user, "DEV", None);
        (await store.ClaimAsync(user, "DEV", "signed_curve25519", None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Device_key_changes_are_recorded_in_the_device_list_stream()
    {
        var database = await DatabaseAsync();
        var keys = new DeviceKeyStore(database);
        var lists = new DeviceListStore(database);
        var (alice, bob) = (NewUser(), NewUser());
        var start = await lists.GetCurrentPositionAsync(None);

        await keys.SetAsync(new DeviceKeysRecord(alice, "A1", "{\"a\":1}"), 1, None);
        var afterAlice = await lists.GetCurrentPositionAsync(None);
        await keys.SetAsync(new DeviceKeysRecord(bob, "B1", "{\"b\":1}"), 1, None);
        await keys.SetAsync(new DeviceKeysRecord(alice, "A2", "{\"a\":2}"), 1, None);
        var end = await lists.GetCurrentPositionAsync(None);

        afterAlice.Should().BeGreaterThan(start);
        (await lists.GetChangedUsersAsync(start, end, None)).Should().BeEquivalentTo([alice, bob]);
        (await lists.GetChangedUsersAsync(afterAlice, end, None)).Should().Contain([alice, bob]);
        (await lists.GetChangedUsersAsync(end, end, None)).Should().BeEmpty();
        (await keys.GetAsync(alice, "A1", None)).Should().Be(new DeviceKeysRecord(alice, "A1", "{\"a\":1}"));
        (await keys.GetForUsersAsync([alice], None)).Select(k => k.DeviceId).Should().Equal("A1", "A2");

        (await keys.DeleteAsync(alice, "A1", None)).Should().BeTrue();
        (await keys.DeleteAsync(alice, "A1", None)).Should().BeFalse();
        (await keys.GetAsync(alice, "A1", None)).Should().BeNull();
        (await lists.GetChangedUsersAsync(end, await lists.GetCurrentPositionAsync(None), None)).Should().Equal(alice);
    }

    [SkippableFact]
    public async Task Device_list_changes_are_read_by_position_range_once_per_user()
    {
        var lists = new DeviceListStore(await DatabaseAsync());
        var (alice, bob) = (NewUser(), NewUser());
        var start = await lists.GetCurrentPositionAsync(None);

        var last = await lists.AppendAsync([alice, bob, alice], None);
        var middle = await lists.GetCurrentPositionAsync(None);
        var after = await lists.AppendAsync([alice], None);

        last.Should().Be(start + 2, "a user named twice in one change is recorded once");
        middle.Should().Be(last);
        (await lists.GetChangedUsersAsync(start, after, None)).Should().BeEquivalentTo([alice, bob]);
        (await lists.GetChangedUsersAsync(middle, after, None)).Should().Equal(alice);
        (await lists.GetChangedUsersAsync(after, start, None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_signer_uploading_a_signature_again_replaces_it_and_records_the_change()
    {
        var database = await DatabaseAsync();
        var signatures = new KeySignatureStore(database);
        var lists = new DeviceListStore(database);
        var alice = NewUser();
        var start = await lists.GetCurrentPositionAsync(None);

        await signatures.AddAsync([new(alice, "ed25519:S", alice, "DEV", "first")], [alice], None);
        await signatures.AddAsync([new(alice, "ed25519:S", alice, "DEV", "second")], [alice], None);

        (await signatures.GetForTargetsAsync([alice], None)).Select(s => s.Signature).Should().Equal("second");
        (await lists.GetChangedUsersAsync(start, await lists.GetCurrentPositionAsync(None), None)).Should().Contain(alice);
    }

    [SkippableFact]
    public async Task Replacing_a_cross_signing_key_deletes_the_signatures_it_made()
    {
        var database = await DatabaseAsync();
        var crossSigning = new CrossSigningKeyStore(database);
        var signatures = new KeySignatureStore(database);
        var (alice, bob) = (NewUser(), NewUser());
        await crossSigning.SetAsync(alice, [new(alice, "master", "ed25519:M1", "{\"m\":1}"), new(alice, "self_signing", "ed25519:S1", "{\"s\":1}")], None);
        await signatures.AddAsync([
            new(alice, "ed25519:S1", alice, "DEV", "sig-by-ssk"),
            new(alice, "ed25519:DEV", alice, "M1", "sig-by-device"),
            new(bob, "ed25519:U", alice, "M1", "sig-by-bob"),
        ], [alice], None);
        (await signatures.GetForTargetsAsync([alice], None)).Should().HaveCount(3);

        await crossSigning.SetAsync(alice, [new(alice, "self_signing", "ed25519:S2", "{\"s\":2}")], None);

        (await crossSigning.GetForUsersAsync([alice, bob], None)).Select(k => (k.KeyType, k.KeyId))
            .Should().Equal(("master", "ed25519:M1"), ("self_signing", "ed25519:S2"));
        (await signatures.GetForTargetsAsync([alice], None)).Select(s => s.Signature).Should().BeEquivalentTo(["sig-by-device", "sig-by-bob"]);
        await signatures.DeleteForTargetAsync(alice, "M1", None);
        (await signatures.GetForTargetsAsync([alice], None)).Should().BeEmpty();
    }
}

public sealed class SqliteE2eKeyStoreTests(SqliteBackendFixture fixture) : E2eKeyStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresE2eKeyStoreTests(PostgresBackendFixture fixture) : E2eKeyStoreTests<PostgresBackendFixture>(fixture);
