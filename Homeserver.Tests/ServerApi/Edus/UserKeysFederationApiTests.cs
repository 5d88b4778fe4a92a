using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.E2ee;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary><c>GET /user/devices/{userId}</c>, <c>POST /user/keys/query</c> and <c>/user/keys/claim</c> for signed requests of another server.</summary>
public class UserKeysFederationApiTests(EduHost fixture) : IClassFixture<EduHost>
{
    private const string Federation = "/_matrix/federation/v1";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body = null) =>
        await fixture.Http.SendAsync(fixture.Remote.Request(method, Federation + path, TestHost.ServerName, body));

    private async Task<JsonObject> OkAsync(HttpMethod method, string path, JsonObject? body = null)
    {
        var response = await SendAsync(method, path, body);
        var json = await response.ReadJsonObjectAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, json.ToJsonString());
        return json;
    }

    private async Task<E2eeTestUser> UserWithKeysAsync()
    {
        var alice = await E2eeTestUser.RegisterAsync(fixture.Http, "Alice's phone");
        await alice.UploadAsync(new JsonObject
        {
            ["device_keys"] = alice.DeviceKeys(),
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = alice.OneTimeKey() },
        });
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
        return alice;
    }

    [Fact]
    public async Task The_device_list_of_a_local_user_comes_with_keys_names_cross_signing_keys_and_the_stream_id()
    {
        using var alice = await UserWithKeysAsync();

        var devices = await OkAsync(HttpMethod.Get, "/user/devices/" + alice.UserId);
        ((string?)devices["user_id"]).Should().Be(alice.UserId);
        devices["stream_id"]!.GetValue<long>().Should().BePositive();
        var device = devices["devices"]!.AsArray().Should().ContainSingle().Subject!;
        ((string?)device["device_id"]).Should().Be(alice.DeviceId);
        ((string?)device["device_display_name"]).Should().Be("Alice's phone");
        device["keys"]!["keys"]!["ed25519:" + alice.DeviceId]!.GetValue<string>().Should().Be(alice.DeviceKey.PublicKey);
        device["keys"]!["unsigned"].Should().BeNull();
        devices["master_key"]!["keys"]!["ed25519:" + alice.Master.PublicKey].Should().NotBeNull();
        devices["self_signing_key"]!["keys"]!["ed25519:" + alice.SelfSigning.PublicKey].Should().NotBeNull();
        devices.ContainsKey("user_signing_key").Should().BeFalse();

        await (await SendAsync(HttpMethod.Get, "/user/devices/@bob:elsewhere.test"))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        var unsigned = await fixture.Http.GetAsync(Federation + "/user/devices/" + alice.UserId);
        await unsigned.ShouldBeMatrixErrorAsync(401, "M_UNAUTHORIZED");
    }

    [Fact]
    public async Task Keys_of_local_users_are_queried_and_one_time_keys_claimed_once()
    {
        using var alice = await UserWithKeysAsync();

        var query = await OkAsync(HttpMethod.Post, "/user/keys/query",
            new JsonObject { ["device_keys"] = new JsonObject { [alice.UserId] = new JsonArray() } });
        var keys = query["device_keys"]![alice.UserId]![alice.DeviceId]!;
        keys["keys"]!["ed25519:" + alice.DeviceId]!.GetValue<string>().Should().Be(alice.DeviceKey.PublicKey);
        ((string?)keys["unsigned"]!["device_display_name"]).Should().Be("Alice's phone");
        query["master_keys"]![alice.UserId].Should().NotBeNull();
        query["self_signing_keys"]![alice.UserId].Should().NotBeNull();
        query.ContainsKey("user_signing_keys").Should().BeFalse();

        var claim = new JsonObject { ["one_time_keys"] = new JsonObject { [alice.UserId] = new JsonObject { [alice.DeviceId] = "signed_curve25519" } } };
        var claimed = await OkAsync(HttpMethod.Post, "/user/keys/claim", claim);
        claimed["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject().Select(k => k.Key).Should().Equal("signed_curve25519:AAAAAQ");
        (await OkAsync(HttpMethod.Post, "/user/keys/claim", claim))["one_time_keys"]!.AsObject().Should().BeEmpty();

        await (await SendAsync(HttpMethod.Post, "/user/keys/query",
            new JsonObject { ["device_keys"] = new JsonObject { ["@bob:elsewhere.test"] = new JsonArray() } })).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await SendAsync(HttpMethod.Post, "/user/keys/claim", new JsonObject { ["one_time_keys"] = "all" }))
            .ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        await (await SendAsync(HttpMethod.Post, "/user/keys/query", new JsonObject())).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
    }
}
