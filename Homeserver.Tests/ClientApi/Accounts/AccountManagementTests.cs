using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Accounts;

public class AccountManagementTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private readonly HttpClient _client = fixture.Client;

    /// <summary>Sends the request without auth, checks the password challenge, then again with the password stage.</summary>
    private async Task<HttpResponseMessage> WithPasswordAuthAsync(
        HttpMethod method, string path, JsonObject body, string accessToken, string userId, string password)
    {
        var challenge = await _client.SendJsonAsync(method, path, body, accessToken);
        ((int)challenge.StatusCode).Should().Be(401);
        var uia = await challenge.ReadJsonObjectAsync();
        uia["flows"]!.ToJsonString().Should().Be("""[{"stages":["m.login.password"]}]""");
        var authenticated = body.DeepClone().AsObject();
        authenticated["auth"] = PasswordAuth(userId, password, uia.Str("session"));
        return await _client.SendJsonAsync(method, path, authenticated, accessToken);
    }

    [Fact]
    public async Task Changing_the_password_logs_out_other_devices_by_default()
    {
        var name = NewName("pass");
        var registered = await _client.RegisterAsync(name, "old password");
        var other = await _client.LoginAsync(name, "old password");

        var response = await WithPasswordAuthAsync(HttpMethod.Post, $"{V3}/account/password", new JsonObject { ["new_password"] = "new password" },
            registered.Str("access_token"), registered.Str("user_id"), "old password");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await _client.PostJsonAsync($"{V3}/login", LoginBody(name, "old password"))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await _client.LoginAsync(name, "new password");
        (await _client.WhoAmIStatusAsync(other.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await _client.WhoAmIStatusAsync(registered.Str("access_token"))).Should().Be(HttpStatusCode.OK, "the requesting device stays");
    }

    [Fact]
    public async Task Changing_the_password_with_logout_devices_false_keeps_other_devices()
    {
        var name = NewName("keep");
        var registered = await _client.RegisterAsync(name, "old password");
        var other = await _client.LoginAsync(name, "old password");

        var response = await WithPasswordAuthAsync(HttpMethod.Post, $"{R0}/account/password",
            new JsonObject { ["new_password"] = "new password", ["logout_devices"] = false },
            registered.Str("access_token"), name, "old password");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.WhoAmIStatusAsync(other.Str("access_token"))).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_wrong_password_stage_answers_401_with_M_FORBIDDEN_and_the_same_session()
    {
        var registered = await _client.RegisterAsync(NewName("wrong"), "right");
        var token = registered.Str("access_token");
        var body = new JsonObject { ["new_password"] = "x" };
        var session = (await (await _client.PostJsonAsync($"{V3}/account/password", body, token)).ReadJsonObjectAsync()).Str("session");

        body["auth"] = PasswordAuth(registered.Str("user_id"), "wrong", session);
        var failed = await _client.PostJsonAsync($"{V3}/account/password", body, token);

        ((int)failed.StatusCode).Should().Be(401);
        var uia = await failed.ReadJsonObjectAsync();
        uia.Str("errcode").Should().Be(ErrorCodes.Forbidden);
        uia.Str("error").Should().NotBeNullOrEmpty();
        uia.Str("session").Should().Be(session);
        uia["flows"].Should().NotBeNull();

        body["auth"] = PasswordAuth(registered.Str("user_id"), "right", session);
        (await _client.PostJsonAsync($"{V3}/account/password", body, token)).StatusCode.Should().Be(HttpStatusCode.OK, "the client may try again");
    }

    [Fact]
    public async Task The_password_stage_must_prove_the_requesting_user()
    {
        var victim = await _client.RegisterAsync(NewName("victim"), "victim pw");
        var attackerName = NewName("attacker");
        await _client.RegisterAsync(attackerName, "attacker pw");
        var body = new JsonObject { ["new_password"] = "x" };
        var session = (await (await _client.PostJsonAsync($"{V3}/account/password", body, victim.Str("access_token"))).ReadJsonObjectAsync()).Str("session");

        body["auth"] = PasswordAuth(attackerName, "attacker pw", session);
        var response = await _client.PostJsonAsync($"{V3}/account/password", body, victim.Str("access_token"));

        ((int)response.StatusCode).Should().Be(401);
        (await response.ReadJsonObjectAsync()).Str("errcode").Should().Be(ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task A_session_belongs_to_its_user_and_request()
    {
        var alice = await _client.RegisterAsync(NewName("alice"), "pw");
        var bob = await _client.RegisterAsync(NewName("bob"), "pw");
        var session = (await (await _client.PostJsonAsync($"{V3}/account/password", new JsonObject { ["new_password"] = "x" }, alice.Str("access_token")))
            .ReadJsonObjectAsync()).Str("session");

        var otherUser = await _client.PostJsonAsync($"{V3}/account/password",
            new JsonObject { ["new_password"] = "x", ["auth"] = PasswordAuth(bob.Str("user_id"), "pw", session) }, bob.Str("access_token"));
        await otherUser.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);

        var otherRequest = await _client.PostJsonAsync($"{V3}/account/deactivate",
            new JsonObject { ["auth"] = PasswordAuth(alice.Str("user_id"), "pw", session) }, alice.Str("access_token"));
        await otherRequest.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        (await _client.WhoAmIStatusAsync(alice.Str("access_token"))).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Password_change_needs_authentication_and_a_new_password()
    {
        (await _client.PostJsonAsync($"{V3}/account/password", new JsonObject { ["new_password"] = "x" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var registered = await _client.RegisterAsync(NewName("np"), "pw");
        await (await _client.PostJsonAsync($"{V3}/account/password", new JsonObject(), registered.Str("access_token")))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task Deactivation_revokes_everything_and_blocks_login_and_the_name()
    {
        var name = NewName("deact");
        var registered = await _client.RegisterAsync(name, "pw");
        var other = await _client.LoginAsync(name, "pw", new JsonObject { ["refresh_token"] = true });

        var response = await WithPasswordAuthAsync(HttpMethod.Post, $"{V3}/account/deactivate", new JsonObject { ["erase"] = false },
            registered.Str("access_token"), registered.Str("user_id"), "pw");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.ReadJsonObjectAsync()).Str("id_server_unbind_result").Should().Be("no-support");
        (await _client.WhoAmIStatusAsync(registered.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await _client.WhoAmIStatusAsync(other.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await _client.PostJsonAsync($"{V3}/refresh", new JsonObject { ["refresh_token"] = other.Str("refresh_token") })).StatusCode
            .Should().Be(HttpStatusCode.Unauthorized);
        await (await _client.PostJsonAsync($"{V3}/login", LoginBody(name, "pw"))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.GetAsync($"{V3}/register/available?username={name}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.UserInUse);
    }
}
