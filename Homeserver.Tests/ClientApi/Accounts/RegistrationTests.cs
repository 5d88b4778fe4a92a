using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Accounts;

public class RegistrationTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task A_new_account_has_a_profile_named_after_its_localpart()
    {
        var name = NewName("profile");
        var registered = await _client.RegisterAsync(name, "secret pass");

        var response = await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/profile/{registered.Str("user_id")}",
            registered.Str("access_token")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.ReadJsonObjectAsync()).Str("displayname").Should().Be(name);
    }

    [Fact]
    public async Task Matrix_js_sdk_flow_first_gets_401_with_session_and_flows_then_registers_with_dummy()
    {
        var name = NewName("js");
        var challenge = await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = name, ["password"] = "secret pass" });

        ((int)challenge.StatusCode).Should().Be(401);
        var body = await challenge.ReadJsonObjectAsync();
        body.ContainsKey("errcode").Should().BeFalse("the first challenge is not an error");
        body.Str("session").Should().NotBeNullOrEmpty();
        body["flows"]!.ToJsonString().Should().Be("""[{"stages":["m.login.dummy"]}]""");
        body["params"].Should().BeOfType<JsonObject>();

        var response = await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["username"] = name,
            ["password"] = "secret pass",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = body.Str("session") },
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var registered = await response.ReadJsonObjectAsync();
        registered.Str("user_id").Should().Be($"@{name}:{TestHost.ServerName}");
        registered.Str("home_server").Should().Be(TestHost.ServerName);
        registered.Str("device_id").Should().NotBeNullOrEmpty();
        registered.ContainsKey("refresh_token").Should().BeFalse();

        var whoami = await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/account/whoami", registered.Str("access_token")))).ReadJsonObjectAsync();
        whoami.Str("user_id").Should().Be(registered.Str("user_id"));
        whoami.Str("device_id").Should().Be(registered.Str("device_id"));
    }

    [Fact]
    public async Task Matrix_nio_flow_sends_dummy_without_session_on_the_r0_path()
    {
        var name = NewName("nio");
        var response = await _client.PostJsonAsync($"{R0}/register", new JsonObject
        {
            ["username"] = name,
            ["password"] = "pw",
            ["device_id"] = "NIODEVICE",
            ["initial_device_display_name"] = "nio bot",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var registered = await response.ReadJsonObjectAsync();
        registered.Str("device_id").Should().Be("NIODEVICE");
        var device = await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{R0}/devices/NIODEVICE", registered.Str("access_token")))).ReadJsonObjectAsync();
        device.Str("display_name").Should().Be("nio bot");
    }

    [Fact]
    public async Task A_request_without_auth_never_succeeds_even_with_only_the_dummy_flow()
    {
        var response = await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = NewName("noauth"), ["password"] = "pw" });
        ((int)response.StatusCode).Should().Be(401);
    }

    [Fact]
    public async Task The_password_is_hashed_with_bcrypt_and_never_stored_in_clear()
    {
        var name = NewName("hash");
        var registered = await _client.RegisterAsync(name, "Correct Horse");
        var user = await fixture.Host.Services.GetRequiredService<IUserStore>().FindAsync(registered.Str("user_id"), CancellationToken.None);
        user!.PasswordHash.Should().StartWith("$2b$04$").And.NotContain("Correct Horse");
        BCrypt.Net.BCrypt.Verify("Correct Horse", user.PasswordHash).Should().BeTrue();
    }

    [Fact]
    public async Task Usernames_are_lower_cased_and_invalid_ones_rejected_before_authentication()
    {
        var name = NewName("Mixed");
        var registered = await _client.RegisterAsync(name, "pw");
        registered.Str("user_id").Should().Be($"@{name.ToLowerInvariant()}:{TestHost.ServerName}");

        foreach (var bad in new[] { "has space", "émile", "colon:name", "", new string('a', 300) })
        {
            var response = await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = bad, ["password"] = "pw" });
            await response.ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidUsername);
        }
    }

    [Fact]
    public async Task Availability_reports_free_taken_and_invalid_names()
    {
        var name = NewName("avail");
        var free = await _client.GetAsync($"{V3}/register/available?username={name}");
        (await free.ReadJsonObjectAsync())["available"]!.GetValue<bool>().Should().BeTrue();

        await _client.RegisterAsync(name, "pw");

        await (await _client.GetAsync($"{R0}/register/available?username={name}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.UserInUse);
        await (await _client.GetAsync($"{V3}/register/available?username=not%20valid")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidUsername);
        await (await _client.GetAsync($"{V3}/register/available")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        var again = await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = name, ["password"] = "pw" });
        await again.ShouldBeMatrixErrorAsync(400, ErrorCodes.UserInUse);
    }

    [Fact]
    public async Task An_invalid_device_id_is_rejected_before_the_account_is_created()
    {
        var name = NewName("baddev");
        var response = await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["username"] = name,
            ["password"] = "pw",
            ["device_id"] = "",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });
        await response.ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        (await _client.GetAsync($"{V3}/register/available?username={name}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Inhibit_login_returns_only_the_user_id()
    {
        var registered = await _client.RegisterAsync(NewName("inhibit"), "pw", new JsonObject { ["inhibit_login"] = true });
        registered.ContainsKey("user_id").Should().BeTrue();
        registered.ContainsKey("access_token").Should().BeFalse();
        registered.ContainsKey("device_id").Should().BeFalse();
    }

    [Fact]
    public async Task Refresh_token_true_gives_a_refresh_token_and_an_expiring_access_token()
    {
        var registered = await _client.RegisterAsync(NewName("refresh"), "pw", new JsonObject { ["refresh_token"] = true });
        registered.Str("refresh_token").Should().StartWith("syr_");
        registered["expires_in_ms"]!.GetValue<long>().Should().Be(5 * 60 * 1000);
    }

    [Fact]
    public async Task A_missing_password_is_reported_after_authentication()
    {
        var response = await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["username"] = NewName("nopw"),
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });
        await response.ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
    }

    [Fact]
    public async Task Without_a_username_the_server_picks_one()
    {
        var response = await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["password"] = "pw",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.ReadJsonObjectAsync()).Str("user_id").Should().MatchRegex($"^@[0-9]+:{TestHost.ServerName}$");
    }

    [Fact]
    public async Task Guest_registration_gives_a_guest_token()
    {
        var response = await _client.PostJsonAsync($"{V3}/register?kind=guest", new JsonObject { ["username"] = "ignored", ["initial_device_display_name"] = "guest dev" });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var registered = await response.ReadJsonObjectAsync();
        registered.Str("user_id").Should().NotContain("ignored");
        var whoami = await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/account/whoami", registered.Str("access_token")))).ReadJsonObjectAsync();
        whoami["is_guest"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Unknown_sessions_kinds_and_stage_types_are_rejected()
    {
        var unknownSession = await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["username"] = NewName("sess"),
            ["password"] = "pw",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = "no-such-session" },
        });
        await unknownSession.ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);

        var wrongType = await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["username"] = NewName("type"),
            ["password"] = "pw",
            ["auth"] = new JsonObject { ["type"] = "m.login.password", ["password"] = "x" },
        });
        await wrongType.ShouldBeMatrixErrorAsync(400, ErrorCodes.Unrecognized);

        var badKind = await _client.PostJsonAsync($"{V3}/register?kind=robot", new JsonObject());
        await badKind.ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);

        var badAuth = await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["auth"] = "dummy" });
        await badAuth.ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task A_session_cannot_be_reused_after_the_registration_it_authenticated()
    {
        var name = NewName("reuse");
        var challenge = await (await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = name, ["password"] = "pw" })).ReadJsonObjectAsync();
        var auth = new JsonObject { ["type"] = "m.login.dummy", ["session"] = challenge.Str("session") };
        (await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = name, ["password"] = "pw", ["auth"] = auth.DeepClone() }))
            .StatusCode.Should().Be(HttpStatusCode.OK);

        var second = await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = NewName("reuse2"), ["password"] = "pw", ["auth"] = auth.DeepClone() });
        await second.ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }
}

public class ClosedRegistrationTests(ClosedRegistrationFixture fixture) : IClassFixture<ClosedRegistrationFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData(V3 + "/register")]
    [InlineData(R0 + "/register")]
    [InlineData(V3 + "/register?kind=guest")]
    public async Task Registration_is_403_M_FORBIDDEN_when_disabled(string path)
    {
        var response = await _client.PostJsonAsync(path, new JsonObject
        {
            ["username"] = "someone",
            ["password"] = "pw",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });
        await response.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Token_validity_is_403_when_registration_is_closed()
    {
        var response = await _client.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=abc");
        await response.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Shared_secret_registration_is_disabled_without_a_secret()
    {
        var response = await _client.GetAsync("/_synapse/admin/v1/register");
        await response.ShouldBeMatrixErrorAsync(400, ErrorCodes.Unknown);
    }
}
