using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Accounts;

public class LoginTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> NewUserAsync(string password = "pw")
    {
        var name = NewName("login");
        await _client.RegisterAsync(name, password);
        return name;
    }

    [Theory]
    [InlineData(V3)]
    [InlineData(R0)]
    public async Task Get_login_offers_password_login(string prefix)
    {
        var body = await (await _client.GetAsync($"{prefix}/login")).ReadJsonObjectAsync();
        body["flows"]!.ToJsonString().Should().Be("""[{"type":"m.login.password"},{"type":"m.login.token","get_login_token":true}]""");
    }

    [Fact]
    public async Task Login_by_localpart_full_user_id_and_legacy_user_field()
    {
        var name = await NewUserAsync();
        var userId = $"@{name}:{TestHost.ServerName}";

        (await _client.LoginAsync(name, "pw")).Str("user_id").Should().Be(userId);
        (await _client.LoginAsync(userId, "pw")).Str("user_id").Should().Be(userId);
        (await _client.LoginAsync(name.ToUpperInvariant(), "pw")).Str("user_id").Should().Be(userId);

        var legacy = await _client.PostJsonAsync($"{R0}/login", new JsonObject { ["type"] = "m.login.password", ["user"] = name, ["password"] = "pw" });
        legacy.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await legacy.ReadJsonObjectAsync();
        body.Str("user_id").Should().Be(userId);
        body.Str("home_server").Should().Be(TestHost.ServerName);
        (await _client.WhoAmIStatusAsync(body.Str("access_token"))).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_users_are_403_M_FORBIDDEN()
    {
        var name = await NewUserAsync();
        await (await _client.PostJsonAsync($"{V3}/login", LoginBody(name, "wrong"))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.PostJsonAsync($"{V3}/login", LoginBody("nobody-here", "pw"))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.PostJsonAsync($"{V3}/login", LoginBody("@someone:other.example", "pw"))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        var thirdParty = new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.thirdparty", ["medium"] = "email", ["address"] = "a@b.c" },
            ["password"] = "pw",
        };
        await (await _client.PostJsonAsync($"{V3}/login", thirdParty)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Unsupported_login_types_and_malformed_bodies_are_400()
    {
        await (await _client.PostJsonAsync($"{V3}/login", new JsonObject { ["type"] = "m.login.sso" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.Unknown);
        await (await _client.PostJsonAsync($"{V3}/login", new JsonObject { ["password"] = "pw" })).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await _client.PostJsonAsync($"{V3}/login", new JsonObject { ["type"] = "m.login.password", ["password"] = "pw" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
    }

    [Fact]
    public async Task Logging_in_again_with_the_same_device_id_revokes_its_old_token()
    {
        var name = await NewUserAsync();
        var first = await _client.LoginAsync(name, "pw", new JsonObject { ["device_id"] = "SAMEDEVICE" });
        var second = await _client.LoginAsync(name, "pw", new JsonObject { ["device_id"] = "SAMEDEVICE" });

        second.Str("device_id").Should().Be("SAMEDEVICE");
        (await _client.WhoAmIStatusAsync(first.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await _client.WhoAmIStatusAsync(second.Str("access_token"))).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_revokes_the_token_and_deletes_the_device()
    {
        var name = await NewUserAsync();
        var session = await _client.LoginAsync(name, "pw");
        var other = await _client.LoginAsync(name, "pw");

        (await _client.PostJsonAsync($"{V3}/logout", new JsonObject(), session.Str("access_token"))).StatusCode.Should().Be(HttpStatusCode.OK);

        var again = await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/account/whoami", session.Str("access_token")));
        (await again.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken))["soft_logout"]!.GetValue<bool>().Should().BeFalse();
        var devices = await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/devices", other.Str("access_token")))).ReadJsonObjectAsync();
        devices["devices"]!.AsArray().Select(d => d!["device_id"]!.GetValue<string>()).Should().NotContain(session.Str("device_id"));
    }

    [Fact]
    public async Task Logout_all_revokes_every_token_of_the_user()
    {
        var name = await NewUserAsync();
        var a = await _client.LoginAsync(name, "pw");
        var b = await _client.LoginAsync(name, "pw");
        var bystander = await _client.LoginAsync(await NewUserAsync(), "pw");

        (await _client.PostJsonAsync($"{R0}/logout/all", new JsonObject(), a.Str("access_token"))).StatusCode.Should().Be(HttpStatusCode.OK);

        (await _client.WhoAmIStatusAsync(a.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await _client.WhoAmIStatusAsync(b.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await _client.WhoAmIStatusAsync(bystander.Str("access_token"))).Should().Be(HttpStatusCode.OK);
        (await _client.PostJsonAsync($"{V3}/logout", new JsonObject())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_rotates_both_tokens_and_the_old_refresh_token_dies()
    {
        var name = await NewUserAsync();
        var login = await _client.LoginAsync(name, "pw", new JsonObject { ["refresh_token"] = true });
        login["expires_in_ms"]!.GetValue<long>().Should().Be(300_000);

        var refreshed = await _client.PostJsonAsync($"{V3}/refresh", new JsonObject { ["refresh_token"] = login.Str("refresh_token") });
        refreshed.StatusCode.Should().Be(HttpStatusCode.OK);
        var tokens = await refreshed.ReadJsonObjectAsync();
        tokens.Str("access_token").Should().NotBe(login.Str("access_token"));
        tokens.Str("refresh_token").Should().NotBe(login.Str("refresh_token"));
        tokens["expires_in_ms"]!.GetValue<long>().Should().Be(300_000);

        var whoami = await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/account/whoami", tokens.Str("access_token")))).ReadJsonObjectAsync();
        whoami.Str("device_id").Should().Be(login.Str("device_id"), "refreshed tokens stay on the device");
        (await _client.WhoAmIStatusAsync(login.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);

        var reused = await _client.PostJsonAsync($"{V3}/refresh", new JsonObject { ["refresh_token"] = login.Str("refresh_token") });
        await reused.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken);
    }

    [Fact]
    public async Task An_expired_access_token_is_soft_logged_out_and_a_refresh_brings_it_back()
    {
        var name = await NewUserAsync();
        var login = await _client.LoginAsync(name, "pw", new JsonObject { ["refresh_token"] = true });

        fixture.Host.Time.Advance(TimeSpan.FromMinutes(6));
        var expired = await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/account/whoami", login.Str("access_token")));
        (await expired.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken))["soft_logout"]!.GetValue<bool>().Should().BeTrue();

        var tokens = await (await _client.PostJsonAsync($"{V3}/refresh", new JsonObject { ["refresh_token"] = login.Str("refresh_token") })).ReadJsonObjectAsync();
        (await _client.WhoAmIStatusAsync(tokens.Str("access_token"))).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token_too()
    {
        var login = await _client.LoginAsync(await NewUserAsync(), "pw", new JsonObject { ["refresh_token"] = true });
        await _client.PostJsonAsync($"{V3}/logout", new JsonObject(), login.Str("access_token"));

        var refresh = await _client.PostJsonAsync($"{V3}/refresh", new JsonObject { ["refresh_token"] = login.Str("refresh_token") });
        await refresh.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken);
    }

    /// <summary>POST /login/get_token after the password stage; returns the login token.</summary>
    private async Task<string> GetLoginTokenAsync(JsonObject session, string password)
    {
        const string path = "/_matrix/client/v1/login/get_token";
        var challenge = await _client.PostJsonAsync(path, new JsonObject(), session.Str("access_token"));
        ((int)challenge.StatusCode).Should().Be(401, "consent is asked every time");
        var uiaSession = (await challenge.ReadJsonObjectAsync()).Str("session");
        var response = await _client.PostJsonAsync(path,
            new JsonObject { ["auth"] = PasswordAuth(session.Str("user_id"), password, uiaSession) }, session.Str("access_token"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.ReadJsonObjectAsync();
        body["expires_in_ms"]!.GetValue<long>().Should().Be(120_000);
        return body.Str("login_token");
    }

    [Fact]
    public async Task A_login_token_logs_another_client_in_once()
    {
        var name = await NewUserAsync();
        var first = await _client.LoginAsync(name, "pw");
        var token = await GetLoginTokenAsync(first, "pw");

        var second = await _client.PostJsonAsync($"{V3}/login", new JsonObject { ["type"] = "m.login.token", ["token"] = token, ["device_id"] = "QRDEVICE" });
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await second.ReadJsonObjectAsync();
        body.Str("user_id").Should().Be(first.Str("user_id"));
        body.Str("device_id").Should().Be("QRDEVICE");

        var again = await _client.PostJsonAsync($"{V3}/login", new JsonObject { ["type"] = "m.login.token", ["token"] = token });
        await again.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.PostJsonAsync($"{V3}/login", new JsonObject { ["type"] = "m.login.token", ["token"] = "syl_never" }))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.PostJsonAsync($"{V3}/login", new JsonObject { ["type"] = "m.login.token" })).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
    }

    [Fact]
    public async Task A_login_token_expires_after_two_minutes()
    {
        var name = await NewUserAsync();
        var token = await GetLoginTokenAsync(await _client.LoginAsync(name, "pw"), "pw");

        fixture.Host.Time.Advance(TimeSpan.FromMinutes(2));

        await (await _client.PostJsonAsync($"{V3}/login", new JsonObject { ["type"] = "m.login.token", ["token"] = token }))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Passwords_and_tokens_never_appear_in_logs()
    {
        var name = NewName("logs");
        var registered = await _client.RegisterAsync(name, "VerySecretPassword1");
        var login = await _client.LoginAsync(name, "VerySecretPassword1", new JsonObject { ["refresh_token"] = true });
        await _client.PostJsonAsync($"{V3}/login", LoginBody(name, "WrongSecretPassword2"));

        var secrets = new[] { "VerySecretPassword1", "WrongSecretPassword2", registered.Str("access_token"), login.Str("access_token"), login.Str("refresh_token") };
        fixture.Host.Logs.Entries.Should().NotContain(e => secrets.Any(secret => e.Message.Contains(secret)));
    }
}
