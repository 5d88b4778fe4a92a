using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Storage.ToDevice;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ClientApi.E2ee;

/// <summary>Dehydrated devices (MSC3814) under <c>/_matrix/client/unstable/org.matrix.msc3814.v1</c>.</summary>
public sealed class DehydratedDeviceApiTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private const string Prefix = "/_matrix/client/unstable/org.matrix.msc3814.v1";
    private const string V3 = AccountRequests.V3;

    private HttpClient Client => fixture.Client;

    private Task<E2eeTestUser> NewUserAsync() => E2eeTestUser.RegisterAsync(Client);

    /// <summary>A dehydrated device as a client makes one: its id is its curve25519 key in unpadded base64.</summary>
    private sealed class Dehydrated : IDisposable
    {
        public Dehydrated(string userId, bool withSlash = true)
        {
            UserId = userId;
            // Standard base64 often holds '/', which must survive the events path; pick such a key when asked.
            do DeviceId = UnpaddedBase64.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            while (DeviceId.Contains('/') != withSlash);
        }

        public string UserId { get; }
        public string DeviceId { get; }
        public ClientKey Key { get; } = new();

        public JsonObject DeviceKeys() => Key.Sign(new JsonObject
        {
            ["user_id"] = UserId,
            ["device_id"] = DeviceId,
            ["dehydrated"] = true,
            ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
            ["keys"] = new JsonObject { ["curve25519:" + DeviceId] = DeviceId, ["ed25519:" + DeviceId] = Key.PublicKey },
        }, UserId, "ed25519:" + DeviceId);

        public JsonObject SignedKey(bool fallback = false)
        {
            var key = new JsonObject { ["key"] = UnpaddedBase64.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
            if (fallback) key["fallback"] = true;
            return Key.Sign(key, UserId, "ed25519:" + DeviceId);
        }

        public JsonObject PutBody(string pickle = "pickle") => new()
        {
            ["device_id"] = DeviceId,
            ["device_data"] = new JsonObject { ["algorithm"] = "org.matrix.msc3814.v2", ["device_pickle"] = pickle, ["nonce"] = "n0nce" },
            ["initial_device_display_name"] = "Dehydrated device",
            ["device_keys"] = DeviceKeys(),
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = SignedKey() },
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:AAAAAg"] = SignedKey(fallback: true) },
        };

        public void Dispose() => Key.Dispose();
    }

    private Task<HttpResponseMessage> PutAsync(E2eeTestUser user, JsonObject body) =>
        Client.SendJsonAsync(HttpMethod.Put, Prefix + "/dehydrated_device", body, user.Token);

    private async Task<JsonObject> PutOkAsync(E2eeTestUser user, JsonObject body)
    {
        var response = await PutAsync(user, body);
        var json = await response.ReadJsonObjectAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, json.ToJsonString());
        return json;
    }

    private Task<HttpResponseMessage> GetAsync(E2eeTestUser user) =>
        Client.SendAsync(TestHost.Request(HttpMethod.Get, Prefix + "/dehydrated_device", user.Token));

    private Task<HttpResponseMessage> DeleteAsync(E2eeTestUser user) =>
        Client.SendAsync(TestHost.Request(HttpMethod.Delete, Prefix + "/dehydrated_device", user.Token));

    private Task<HttpResponseMessage> EventsAsync(E2eeTestUser user, string deviceId, JsonObject body) =>
        Client.PostJsonAsync($"{Prefix}/dehydrated_device/{Uri.EscapeDataString(deviceId)}/events", body, user.Token);

    private async Task<JsonObject> EventsOkAsync(E2eeTestUser user, string deviceId, string? nextBatch = null)
    {
        var response = await EventsAsync(user, deviceId, nextBatch is null ? new JsonObject() : new JsonObject { ["next_batch"] = nextBatch });
        var json = await response.ReadJsonObjectAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, json.ToJsonString());
        json["next_batch"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        return json;
    }

    private async Task SendToDeviceAsync(E2eeTestUser sender, string userId, string deviceId, JsonObject content)
    {
        var response = await Client.SendJsonAsync(HttpMethod.Put, $"{V3}/sendToDevice/m.room.encrypted/{Guid.NewGuid():N}",
            new JsonObject { ["messages"] = new JsonObject { [userId] = new JsonObject { [deviceId] = content } } }, sender.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<IReadOnlyList<string>> DeviceIdsAsync(E2eeTestUser user)
    {
        var response = await Client.SendAsync(TestHost.Request(HttpMethod.Get, V3 + "/devices", user.Token));
        return [.. (await response.ReadJsonObjectAsync())["devices"]!.AsArray().Select(d => d!["device_id"]!.GetValue<string>())];
    }

    [Fact]
    public async Task Versions_advertise_msc3814()
    {
        var versions = await (await Client.GetAsync("/_matrix/client/versions")).ReadJsonObjectAsync();
        versions["unstable_features"]!["org.matrix.msc3814"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_dehydrated_device_gets_keys_and_to_device_messages_that_the_rehydrating_client_fetches_in_batches()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var dehydrated = new Dehydrated(alice.UserId);

        (await PutOkAsync(alice, dehydrated.PutBody())).Str("device_id").Should().Be(dehydrated.DeviceId);

        var got = await (await GetAsync(alice)).ReadJsonObjectAsync();
        got.Str("device_id").Should().Be(dehydrated.DeviceId);
        got["device_data"]!.ToJsonString().Should().Be(dehydrated.PutBody()["device_data"]!.ToJsonString());

        // Others see the device and its keys, and can claim its keys to start an Olm session.
        var query = await bob.QueryAsync(alice.UserId);
        var keys = query["device_keys"]![alice.UserId]![dehydrated.DeviceId]!.AsObject();
        keys["dehydrated"]!.GetValue<bool>().Should().BeTrue();
        keys["keys"]!["ed25519:" + dehydrated.DeviceId]!.GetValue<string>().Should().Be(dehydrated.Key.PublicKey);
        keys["unsigned"]!["device_display_name"]!.GetValue<string>().Should().Be("Dehydrated device");
        var claimed = await bob.PostOkAsync("/keys/claim", new JsonObject
        {
            ["one_time_keys"] = new JsonObject { [alice.UserId] = new JsonObject { [dehydrated.DeviceId] = "signed_curve25519" } },
        });
        claimed["one_time_keys"]![alice.UserId]![dehydrated.DeviceId]!.AsObject().Should().ContainKey("signed_curve25519:AAAAAQ");
        (await DeviceIdsAsync(alice)).Should().Contain(dehydrated.DeviceId);

        await SendToDeviceAsync(bob, alice.UserId, dehydrated.DeviceId, new JsonObject { ["ciphertext"] = "room key" });

        var first = await EventsOkAsync(alice, dehydrated.DeviceId);
        var message = first["events"]!.AsArray().Should().ContainSingle().Subject!.AsObject();
        message.Str("sender").Should().Be(bob.UserId);
        message.Str("type").Should().Be("m.room.encrypted");
        message["content"]!["ciphertext"]!.GetValue<string>().Should().Be("room key");

        var second = await EventsOkAsync(alice, dehydrated.DeviceId, first.Str("next_batch"));
        second["events"]!.AsArray().Should().BeEmpty("an empty batch tells the client it has everything");

        // Fetched messages stay until the device goes (MSC3814), so an interrupted rehydration can start again.
        (await EventsOkAsync(alice, dehydrated.DeviceId))["events"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Many_messages_come_in_batches_of_at_most_one_hundred()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var dehydrated = new Dehydrated(alice.UserId, withSlash: false);
        await PutOkAsync(alice, dehydrated.PutBody());
        for (var i = 0; i < 103; i++)
            await SendToDeviceAsync(bob, alice.UserId, dehydrated.DeviceId, new JsonObject { ["n"] = i });

        var first = await EventsOkAsync(alice, dehydrated.DeviceId);
        var second = await EventsOkAsync(alice, dehydrated.DeviceId, first.Str("next_batch"));
        var third = await EventsOkAsync(alice, dehydrated.DeviceId, second.Str("next_batch"));

        first["events"]!.AsArray().Select(e => e!["content"]!["n"]!.GetValue<int>()).Should().Equal(Enumerable.Range(0, 100));
        second["events"]!.AsArray().Select(e => e!["content"]!["n"]!.GetValue<int>()).Should().Equal(100, 101, 102);
        third["events"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_new_dehydrated_device_replaces_the_old_one_with_its_keys_and_messages()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var old = new Dehydrated(alice.UserId);
        using var replacement = new Dehydrated(alice.UserId);
        await PutOkAsync(alice, old.PutBody());
        await SendToDeviceAsync(bob, alice.UserId, old.DeviceId, new JsonObject { ["for"] = "old" });

        await PutOkAsync(alice, replacement.PutBody("new pickle"));

        var got = await (await GetAsync(alice)).ReadJsonObjectAsync();
        got.Str("device_id").Should().Be(replacement.DeviceId);
        got["device_data"]!["device_pickle"]!.GetValue<string>().Should().Be("new pickle");
        var devices = (await bob.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]!.AsObject();
        devices.Should().ContainKey(replacement.DeviceId).And.NotContainKey(old.DeviceId);
        (await DeviceIdsAsync(alice)).Should().BeEquivalentTo([alice.DeviceId, replacement.DeviceId]);
        var inbox = fixture.Host.Services.GetRequiredService<IToDeviceStore>();
        (await inbox.ReadAsync(alice.UserId, old.DeviceId, 0, long.MaxValue, 10, CancellationToken.None)).Should().BeEmpty();
        await (await EventsAsync(alice, old.DeviceId, new JsonObject())).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        (await EventsOkAsync(alice, replacement.DeviceId))["events"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Dehydrating_again_under_the_same_id_starts_the_device_afresh()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var dehydrated = new Dehydrated(alice.UserId);
        await PutOkAsync(alice, dehydrated.PutBody());
        await SendToDeviceAsync(bob, alice.UserId, dehydrated.DeviceId, new JsonObject { ["old"] = true });

        await PutOkAsync(alice, dehydrated.PutBody("second"));

        (await (await GetAsync(alice)).ReadJsonObjectAsync())["device_data"]!["device_pickle"]!.GetValue<string>().Should().Be("second");
        (await EventsOkAsync(alice, dehydrated.DeviceId))["events"]!.AsArray().Should().BeEmpty();
        (await bob.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]!.AsObject().Should().ContainKey(dehydrated.DeviceId);
    }

    [Fact]
    public async Task Deleting_removes_the_device_and_its_keys()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var dehydrated = new Dehydrated(alice.UserId);
        await (await DeleteAsync(alice)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        await PutOkAsync(alice, dehydrated.PutBody());

        var deleted = await DeleteAsync(alice);
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await deleted.ReadJsonObjectAsync()).Str("device_id").Should().Be(dehydrated.DeviceId);

        await (await GetAsync(alice)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        await (await DeleteAsync(alice)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        (await bob.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]!.AsObject().Should().NotContainKey(dehydrated.DeviceId);
        (await DeviceIdsAsync(alice)).Should().Equal(alice.DeviceId);
        await (await EventsAsync(alice, dehydrated.DeviceId, new JsonObject())).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Deleting_it_as_a_device_ends_the_dehydrated_device()
    {
        using var alice = await NewUserAsync();
        using var dehydrated = new Dehydrated(alice.UserId, withSlash: false);
        await PutOkAsync(alice, dehydrated.PutBody());
        var path = $"{V3}/devices/{dehydrated.DeviceId}";
        var challenge = await Client.SendJsonAsync(HttpMethod.Delete, path, new JsonObject(), alice.Token);
        var session = (await challenge.ReadJsonObjectAsync()).Str("session");

        var response = await Client.SendJsonAsync(HttpMethod.Delete, path,
            new JsonObject { ["auth"] = AccountRequests.PasswordAuth(alice.UserId, E2eeTestUser.Password, session) }, alice.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        await (await GetAsync(alice)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Bad_requests_are_refused_and_store_nothing()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var dehydrated = new Dehydrated(alice.UserId);

        async Task Refused(Action<JsonObject> spoil, int status, string errcode)
        {
            var body = dehydrated.PutBody();
            spoil(body);
            await (await PutAsync(alice, body)).ShouldBeMatrixErrorAsync(status, errcode);
        }

        await Refused(b => b.Remove("device_id"), 400, "M_BAD_JSON");
        await Refused(b => b["device_id"] = 5, 400, "M_BAD_JSON");
        await Refused(b => b["device_id"] = "", 400, "M_INVALID_PARAM");
        await Refused(b => b.Remove("device_data"), 400, "M_BAD_JSON");
        await Refused(b => b["device_data"] = "pickle", 400, "M_BAD_JSON");
        await Refused(b => b["device_data"] = new JsonObject { ["device_pickle"] = "no algorithm" }, 400, "M_BAD_JSON");
        await Refused(b => b["device_data"]!["device_pickle"] = new string('a', 70_000), 413, "M_TOO_LARGE");
        await Refused(b => b["initial_device_display_name"] = 3, 400, "M_BAD_JSON");
        await Refused(b => b.Remove("device_keys"), 400, "M_BAD_JSON");
        await Refused(b => b["device_keys"]!["device_id"] = "OTHER", 400, "M_INVALID_PARAM");
        await Refused(b => b["device_keys"]!["user_id"] = bob.UserId, 400, "M_INVALID_PARAM");
        await Refused(b => b["one_time_keys"] = "keys", 400, "M_BAD_JSON");
        await Refused(b => b["fallback_keys"] = new JsonObject { ["signed_curve25519:X"] = 1 }, 400, "M_BAD_JSON");
        // The id of the user's own logged-in device cannot become the dehydrated one.
        await Refused(b => b["device_id"] = alice.DeviceId, 400, "M_INVALID_PARAM");
        var ownDevice = dehydrated.PutBody();
        ownDevice["device_id"] = alice.DeviceId;
        ownDevice["device_keys"] = alice.DeviceKeys();
        await (await PutAsync(alice, ownDevice)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        await (await GetAsync(alice)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        (await DeviceIdsAsync(alice)).Should().Equal(alice.DeviceId);
        (await bob.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task Only_the_owner_fetches_the_messages_of_a_dehydrated_device_with_its_own_tokens()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var dehydrated = new Dehydrated(alice.UserId);
        await (await EventsAsync(alice, dehydrated.DeviceId, new JsonObject())).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        await PutOkAsync(alice, dehydrated.PutBody());

        await (await EventsAsync(bob, dehydrated.DeviceId, new JsonObject())).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        await (await EventsAsync(alice, alice.DeviceId, new JsonObject())).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        await (await EventsAsync(alice, dehydrated.DeviceId, new JsonObject { ["next_batch"] = "s72" }))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await EventsAsync(alice, dehydrated.DeviceId, new JsonObject { ["next_batch"] = "d-1" }))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await EventsAsync(alice, dehydrated.DeviceId, new JsonObject { ["next_batch"] = 3 }))
            .ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        (await Client.SendAsync(TestHost.Request(HttpMethod.Get, Prefix + "/dehydrated_device"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Guests_cannot_dehydrate_devices()
    {
        var guest = await (await Client.PostJsonAsync($"{V3}/register?kind=guest", new JsonObject())).ReadJsonObjectAsync();
        var token = guest.Str("access_token");
        using var dehydrated = new Dehydrated(guest.Str("user_id"));

        await (await Client.SendJsonAsync(HttpMethod.Put, Prefix + "/dehydrated_device", dehydrated.PutBody(), token))
            .ShouldBeMatrixErrorAsync(403, "M_GUEST_ACCESS_FORBIDDEN");
        await (await Client.SendAsync(TestHost.Request(HttpMethod.Get, Prefix + "/dehydrated_device", token)))
            .ShouldBeMatrixErrorAsync(403, "M_GUEST_ACCESS_FORBIDDEN");
    }
}
