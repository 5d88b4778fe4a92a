using System.Diagnostics;
using System.Text.Json.Nodes;
using Homeserver.E2ee;
using Homeserver.Storage.Events;
using Homeserver.Sync;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ClientApi.E2ee;

/// <summary>device_lists, device_one_time_keys_count and device_unused_fallback_key_types of /sync, and /keys/changes.</summary>
public sealed class DeviceListSyncTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly SyncTestRooms _rooms = new(fixture.Host);

    private Task<E2eeTestUser> NewUserAsync() => E2eeTestUser.RegisterAsync(fixture.Client);

    private static string Q(string value) => Uri.EscapeDataString(value);

    private Task<JsonObject> SyncAsync(E2eeTestUser user, JsonObject? since = null, int timeoutMs = 0) =>
        _rooms.SyncAsync(user.Token, since is null ? "" : $"since={Q((string)since["next_batch"]!)}&timeout={timeoutMs}");

    private static IEnumerable<string> Changed(JsonObject sync) => sync["device_lists"]!["changed"]!.AsArray().Select(u => (string)u!);

    private static IEnumerable<string> Left(JsonObject sync) => sync["device_lists"]!["left"]!.AsArray().Select(u => (string)u!);

    private async Task<string> SharedRoomAsync(E2eeTestUser owner, params E2eeTestUser[] members)
    {
        var roomId = await _rooms.CreateRoomAsync(owner.UserId);
        foreach (var member in members)
            await _rooms.MembershipAsync(roomId, member.UserId, member.UserId, "join");
        return roomId;
    }

    [Fact]
    public async Task A_room_member_uploading_keys_is_changed_and_leaving_the_last_shared_room_is_left()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var stranger = await NewUserAsync();
        var roomId = await SharedRoomAsync(alice, bob);
        var initial = await SyncAsync(alice);
        Changed(initial).Should().BeEmpty();
        Left(initial).Should().BeEmpty();

        await bob.UploadAsync(new JsonObject { ["device_keys"] = bob.DeviceKeys() });
        await stranger.UploadAsync(new JsonObject { ["device_keys"] = stranger.DeviceKeys() });
        var afterUpload = await SyncAsync(alice, initial);
        Changed(afterUpload).Should().Equal(bob.UserId);
        Left(afterUpload).Should().BeEmpty();

        await _rooms.MembershipAsync(roomId, bob.UserId, bob.UserId, "leave");
        var afterLeave = await SyncAsync(alice, afterUpload);
        Left(afterLeave).Should().Equal(bob.UserId);
        Changed(afterLeave).Should().BeEmpty();

        var quiet = await SyncAsync(alice, afterLeave);
        Changed(quiet).Should().BeEmpty();
        Left(quiet).Should().BeEmpty();
    }

    [Fact]
    public async Task Users_who_start_sharing_a_room_are_changed_and_own_changes_are_too()
    {
        using var alice = await NewUserAsync();
        using var carol = await NewUserAsync();
        var roomId = await SharedRoomAsync(alice);
        var initial = await SyncAsync(alice);
        var carolInitial = await SyncAsync(carol);

        await _rooms.MembershipAsync(roomId, carol.UserId, carol.UserId, "join");
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());

        Changed(await SyncAsync(alice, initial)).Should().BeEquivalentTo([carol.UserId, alice.UserId]);
        // Carol joined Alice's room: Alice is new to Carol too.
        Changed(await SyncAsync(carol, carolInitial)).Should().Contain(alice.UserId);
    }

    [Fact]
    public async Task Passing_the_rooms_changed_and_own_membership_changes_gives_the_same_changed_and_left()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var carol = await NewUserAsync();
        using var dave = await NewUserAsync();
        using var erin = await NewUserAsync();
        using var frank = await NewUserAsync();
        var services = fixture.Host.Services;
        var deviceLists = services.GetRequiredService<DeviceListSync>();
        var events = services.GetRequiredService<IRoomEventStore>();
        var timeline = services.GetRequiredService<IRoomTimelineStore>();
        var aliceRoom = await SharedRoomAsync(alice, bob);
        var daveRoom = await SharedRoomAsync(dave);
        var erinRoom = await SharedRoomAsync(erin, alice);
        // Before the range: Alice joined and left Frank's room (her own changes are passed from 0; this one must not count).
        var frankRoom = await SharedRoomAsync(frank, alice);
        await _rooms.MembershipAsync(frankRoom, alice.UserId, alice.UserId, "leave");
        var (sinceRoom, sinceDeviceLists) = (await events.GetMaxStreamOrderingAsync(None), await deviceLists.GetCurrentPositionAsync(None));

        await _rooms.MembershipAsync(aliceRoom, carol.UserId, carol.UserId, "join");
        await _rooms.MembershipAsync(aliceRoom, bob.UserId, bob.UserId, "leave");
        await _rooms.MessageAsync(aliceRoom, alice.UserId, "hello");
        await _rooms.MembershipAsync(daveRoom, alice.UserId, alice.UserId, "join");
        await _rooms.MembershipAsync(erinRoom, alice.UserId, alice.UserId, "leave");
        await carol.UploadAsync(new JsonObject { ["device_keys"] = carol.DeviceKeys() });
        await bob.UploadAsync(new JsonObject { ["device_keys"] = bob.DeviceKeys() });
        var (upToRoom, upToDeviceLists) = (await events.GetMaxStreamOrderingAsync(None), await deviceLists.GetCurrentPositionAsync(None));
        var joined = await events.GetRoomsForUserAsync(alice.UserId, "join", None);

        var request = new DeviceListSyncRequest(alice.UserId, alice.DeviceId, sinceDeviceLists, upToDeviceLists, sinceRoom, upToRoom, joined);
        var read = await deviceLists.GetAsync(request, None);
        var passed = await deviceLists.GetAsync(request with
        {
            RoomsChangedInRange = await timeline.GetRoomsChangedBetweenAsync(sinceRoom, upToRoom, None),
            OwnMembershipChanges = await timeline.GetMembershipChangesAsync(alice.UserId, 0, upToRoom, None),
        }, None);

        read.Changed.Should().Equal(new[] { carol.UserId, dave.UserId }.Order(StringComparer.Ordinal));
        read.Left.Should().Equal(new[] { bob.UserId, erin.UserId }.Order(StringComparer.Ordinal));
        passed.Changed.Should().Equal(read.Changed);
        passed.Left.Should().Equal(read.Left);
        // Nothing moved in the rooms the caller says changed: nothing but the key changes.
        var quiet = await deviceLists.GetAsync(request with
        {
            RoomsChangedInRange = new HashSet<string>(), OwnMembershipChanges = [],
        }, None);
        quiet.Changed.Should().Equal(carol.UserId);
        quiet.Left.Should().BeEmpty();
    }

    [Fact]
    public async Task Sync_counts_one_time_keys_and_names_unused_fallback_key_algorithms()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        var initial = await SyncAsync(alice);
        initial["device_one_time_keys_count"]!["signed_curve25519"]!.GetValue<long>().Should().Be(0);
        initial["device_unused_fallback_key_types"]!.AsArray().Should().BeEmpty();

        await alice.UploadAsync(new JsonObject
        {
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = alice.OneTimeKey(), ["signed_curve25519:AAAAAg"] = alice.OneTimeKey() },
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:AAAAAw"] = alice.OneTimeKey(true) },
        });
        var uploaded = await SyncAsync(alice, initial);
        uploaded["device_one_time_keys_count"]!["signed_curve25519"]!.GetValue<long>().Should().Be(2);
        uploaded["device_unused_fallback_key_types"]!.AsArray().Select(t => (string)t!).Should().Equal("signed_curve25519");

        for (var i = 0; i < 3; i++)
            await bob.ClaimAsync(alice);
        var claimed = await SyncAsync(alice, uploaded);
        claimed["device_one_time_keys_count"]!["signed_curve25519"]!.GetValue<long>().Should().Be(0);
        claimed["device_unused_fallback_key_types"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_waiting_sync_wakes_when_a_room_member_changes_keys()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        await SharedRoomAsync(alice, bob);
        var initial = await SyncAsync(alice);

        var stopwatch = Stopwatch.StartNew();
        var waiting = SyncAsync(alice, initial, timeoutMs: 20_000);
        await Task.Delay(200);
        await bob.UploadAsync(new JsonObject { ["device_keys"] = bob.DeviceKeys() });
        var woken = await waiting;

        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        Changed(woken).Should().Equal(bob.UserId);
    }

    [Fact]
    public async Task Renaming_or_deleting_a_device_with_keys_is_a_change()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        await SharedRoomAsync(alice, bob);
        await bob.UploadAsync(new JsonObject { ["device_keys"] = bob.DeviceKeys() });
        var before = await SyncAsync(alice);

        var rename = await fixture.Client.SendJsonAsync(HttpMethod.Put, $"{AccountRequests.V3}/devices/{bob.DeviceId}",
            new JsonObject { ["display_name"] = "Bob's laptop" }, bob.Token);
        rename.EnsureSuccessStatusCode();
        var renamed = await SyncAsync(alice, before);
        Changed(renamed).Should().Equal(bob.UserId);
        (await alice.QueryAsync(bob.UserId))["device_keys"]![bob.UserId]![bob.DeviceId]!["unsigned"]!["device_display_name"]!
            .GetValue<string>().Should().Be("Bob's laptop");

        (await bob.PostAsync("/logout", new JsonObject())).EnsureSuccessStatusCode();
        Changed(await SyncAsync(alice, renamed)).Should().Equal(bob.UserId);
    }

    [Fact]
    public async Task Keys_changes_lists_the_users_whose_keys_changed_between_two_sync_tokens()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        await SharedRoomAsync(alice, bob);
        var from = (string)(await SyncAsync(alice))["next_batch"]!;
        await bob.UploadAsync(new JsonObject { ["device_keys"] = bob.DeviceKeys() });
        var to = (string)(await SyncAsync(alice))["next_batch"]!;

        var changes = await (await _rooms.GetAsync($"{AccountRequests.V3}/keys/changes?from={Q(from)}&to={Q(to)}", alice.Token)).ReadJsonObjectAsync();
        changes["changed"]!.AsArray().Select(u => (string)u!).Should().Equal(bob.UserId);
        changes["left"]!.AsArray().Should().BeEmpty();
        var none = await (await _rooms.GetAsync($"{AccountRequests.V3}/keys/changes?from={Q(to)}&to={Q(to)}", alice.Token)).ReadJsonObjectAsync();
        none["changed"]!.AsArray().Should().BeEmpty();

        await (await _rooms.GetAsync($"{AccountRequests.V3}/keys/changes?from=nonsense&to={Q(to)}", alice.Token)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await _rooms.GetAsync($"{AccountRequests.V3}/keys/changes?to={Q(to)}", alice.Token)).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
    }
}
