using System.Text.Json.Nodes;
using Homeserver.Storage.E2ee;
using Homeserver.Tests.ClientApi.Sync;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>
/// <c>m.device_list_update</c> and <c>m.signing_key_update</c> from another server: the remote device-list cache, its
/// resynchronisation on a gap, local syncs seeing remote changes, and spoofed updates being ignored.
/// </summary>
public class DeviceListEduTests(EduHost fixture) : IClassFixture<EduHost>
{
    private static JsonObject Update(string userId, string deviceId, long streamId, long[] prevIds, JsonObject? keys = null, bool deleted = false)
    {
        var update = new JsonObject
        {
            ["user_id"] = userId,
            ["device_id"] = deviceId,
            ["stream_id"] = streamId,
            ["prev_id"] = new JsonArray([.. prevIds.Select(p => (JsonNode)p)]),
            ["device_display_name"] = "Device " + deviceId,
        };
        if (keys is not null) update["keys"] = keys;
        if (deleted) update["deleted"] = true;
        return update;
    }

    private int DeviceFetches(string userId) =>
        fixture.Client.Calls.Count(c => c.PathAndQuery == "/_matrix/federation/v1/user/devices/" + userId);

    private async Task<RemoteDeviceList?> CachedAsync(string userId) =>
        (await fixture.Get<IRemoteDeviceListStore>().GetAsync([userId], CancellationToken.None)).SingleOrDefault();

    [Fact]
    public async Task Updates_resync_an_unknown_list_apply_in_order_resync_on_a_gap_and_reach_local_syncs()
    {
        var (_, token, roomId) = await fixture.LocalUserInRoomAsync();
        var bob = EduHost.NewRemoteUser();
        await fixture.JoinRemoteAsync(roomId, bob);
        using var keys = new RemoteKeysTestData(bob);
        var streamId = 10L;
        fixture.Client.Answer("/_matrix/federation/v1/user/devices/" + bob, call =>
        {
            call.Destination.Should().Be(EduHost.RemoteName);
            return keys.DevicesAnswer(streamId, "PHONE", "LAPTOP");
        });
        var since = (string)(await fixture.Rooms.SyncAsync(token))["next_batch"]!;

        // No cached list yet: the whole list is fetched.
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", Update(bob, "PHONE", 10, [9], keys.DeviceKeys("PHONE")));
        DeviceFetches(bob).Should().Be(1);
        var cached = (await CachedAsync(bob))!;
        (cached.StreamId, cached.Stale).Should().Be((10, false));
        cached.Devices.Select(d => (d.DeviceId, d.DisplayName)).Should().Equal(("LAPTOP", "Device LAPTOP"), ("PHONE", "Device PHONE"));
        cached.MasterKeyJson.Should().Contain(keys.Master.PublicKey);
        var sync = await fixture.Rooms.SyncAsync(token, "since=" + SyncTestRooms.Q(since));
        sync["device_lists"]!["changed"]!.AsArray().Select(u => (string?)u).Should().Contain(bob);

        // The next update follows the cached one: applied as it is.
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", Update(bob, "TABLET", 11, [10], keys.DeviceKeys("TABLET")));
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", Update(bob, "LAPTOP", 12, [11], deleted: true));
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", Update(bob, "OLD", 11, [10]));
        DeviceFetches(bob).Should().Be(1);
        cached = (await CachedAsync(bob))!;
        cached.StreamId.Should().Be(12);
        cached.Devices.Select(d => d.DeviceId).Should().Equal("PHONE", "TABLET");
        cached.Devices.Single(d => d.DeviceId == "TABLET").KeysJson.Should().Contain("ed25519:TABLET");

        // An update after one this server never got: resynchronised.
        streamId = 20;
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", Update(bob, "PHONE", 20, [19]));
        DeviceFetches(bob).Should().Be(2);
        cached = (await CachedAsync(bob))!;
        cached.StreamId.Should().Be(20);
        cached.Devices.Select(d => d.DeviceId).Should().Equal("LAPTOP", "PHONE");
    }

    [Fact]
    public async Task A_failed_resync_leaves_the_list_stale_and_updates_of_others_or_of_strangers_are_ignored()
    {
        var (_, _, roomId) = await fixture.LocalUserInRoomAsync();
        var bob = EduHost.NewRemoteUser();
        var stranger = EduHost.NewRemoteUser();
        await fixture.JoinRemoteAsync(roomId, bob);
        using var keys = new RemoteKeysTestData(bob);

        await fixture.HandleAsync("evil.test", "m.device_list_update", Update(bob, "PHONE", 1, []));
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", Update(stranger, "PHONE", 1, []));
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", new JsonObject { ["user_id"] = bob, ["device_id"] = "X", ["stream_id"] = "1" });
        (await CachedAsync(bob)).Should().BeNull();
        (await CachedAsync(stranger)).Should().BeNull();
        fixture.Client.Calls.Should().NotContain(c => c.PathAndQuery.Contains(bob));

        // No answer is scripted for bob: the fetch fails and the list is marked stale.
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", Update(bob, "PHONE", 1, [], keys.DeviceKeys("PHONE")));
        DeviceFetches(bob).Should().Be(1);
        (await CachedAsync(bob))!.Stale.Should().BeTrue();
    }

    [Fact]
    public async Task Signing_key_updates_of_the_origins_users_are_stored_and_others_ignored()
    {
        var (_, _, roomId) = await fixture.LocalUserInRoomAsync();
        var bob = EduHost.NewRemoteUser();
        await fixture.JoinRemoteAsync(roomId, bob);
        using var keys = new RemoteKeysTestData(bob);
        using var forged = new RemoteKeysTestData("@mallory:evil.test");

        await fixture.HandleAsync("evil.test", "m.signing_key_update", new JsonObject { ["user_id"] = bob, ["master_key"] = keys.MasterKey() });
        await fixture.HandleAsync(EduHost.RemoteName, "m.signing_key_update", new JsonObject { ["user_id"] = bob, ["master_key"] = forged.MasterKey() });
        await fixture.HandleAsync(EduHost.RemoteName, "m.signing_key_update", new JsonObject { ["user_id"] = bob });
        (await CachedAsync(bob)).Should().BeNull();

        await fixture.HandleAsync(EduHost.RemoteName, "m.signing_key_update", new JsonObject
        {
            ["user_id"] = bob,
            ["master_key"] = keys.MasterKey(),
            ["self_signing_key"] = keys.SelfSigningKey(),
        });
        var cached = (await CachedAsync(bob))!;
        cached.MasterKeyJson.Should().Contain(keys.Master.PublicKey);
        cached.SelfSigningKeyJson.Should().Contain(keys.SelfSigning.PublicKey);
        cached.Stale.Should().BeTrue("no device list was fetched yet");
    }
}
