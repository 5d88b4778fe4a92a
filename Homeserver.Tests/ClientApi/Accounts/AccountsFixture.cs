using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.Accounts;

/// <summary>
/// A test homeserver for account tests: cheap bcrypt, rate limits off (the rate limit tests turn them on),
/// plus whatever the subclass configures.
/// </summary>
public abstract class AccountsFixture : IDisposable
{
    protected AccountsFixture(Action<HomeserverConfig> configure)
    {
        Host = TestHost.With(config =>
        {
            config.BcryptRounds = 4;
            var off = new RateLimitConfig { PerSecond = 0, BurstCount = 0 };
            config.RcRegistration = off;
            config.RcLogin = new LoginRateLimitConfig { Address = off, Account = off, FailedAttempts = off };
            configure(config);
        });
        Client = Host.CreateClient();
    }

    public TestHost Host { get; }

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Host.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Open registration with guests allowed and a shared registration secret.</summary>
public sealed class OpenRegistrationFixture() : AccountsFixture(config =>
{
    config.EnableRegistration = true;
    config.AllowGuestAccess = true;
    config.RegistrationSharedSecret = OpenRegistrationFixture.SharedSecret;
})
{
    public const string SharedSecret = "test shared secret";
}

/// <summary>The defaults: registration closed, no guests, no shared secret.</summary>
public sealed class ClosedRegistrationFixture() : AccountsFixture(_ => { });

/// <summary>Registration open to holders of a registration token, which admins make with the admin API.</summary>
public sealed class TokenRegistrationFixture() : AccountsFixture(config =>
{
    config.EnableRegistration = true;
    config.RegistrationRequiresToken = true;
    config.RegistrationSharedSecret = OpenRegistrationFixture.SharedSecret;
});

/// <summary>Requests and the usual sequences of account tests.</summary>
public static class AccountRequests
{
    public const string V3 = "/_matrix/client/v3";
    public const string R0 = "/_matrix/client/r0";

    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, JsonObject? body, string? accessToken = null)
    {
        var request = TestHost.Request(method, path, accessToken);
        if (body is not null)
            request.Content = TestHost.JsonContent(body.ToJsonString());
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, JsonObject body, string? accessToken = null) =>
        client.SendJsonAsync(HttpMethod.Post, path, body, accessToken);

    /// <summary>Registers as matrix-js-sdk does: a request without auth (401 with a session), then m.login.dummy with it.</summary>
    public static async Task<JsonObject> RegisterAsync(this HttpClient client, string username, string password, JsonObject? extra = null)
    {
        JsonObject Body()
        {
            var body = new JsonObject { ["username"] = username, ["password"] = password };
            foreach (var (key, value) in extra ?? []) body[key] = value?.DeepClone();
            return body;
        }
        var challenge = await client.PostJsonAsync($"{V3}/register", Body());
        ((int)challenge.StatusCode).Should().Be(401);
        var session = (await challenge.ReadJsonObjectAsync())["session"]!.GetValue<string>();
        var body = Body();
        body["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = session };
        var response = await client.PostJsonAsync($"{V3}/register", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonObjectAsync();
    }

    public static async Task<JsonObject> LoginAsync(this HttpClient client, string user, string password, JsonObject? extra = null)
    {
        var response = await client.PostJsonAsync($"{V3}/login", LoginBody(user, password, extra));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonObjectAsync();
    }

    public static JsonObject LoginBody(string user, string password, JsonObject? extra = null)
    {
        var body = new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = user },
            ["password"] = password,
        };
        foreach (var (key, value) in extra ?? []) body[key] = value?.DeepClone();
        return body;
    }

    /// <summary>The <c>auth</c> object of an m.login.password stage.</summary>
    public static JsonObject PasswordAuth(string userId, string password, string session) => new()
    {
        ["type"] = "m.login.password",
        ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = userId },
        ["password"] = password,
        ["session"] = session,
    };

    /// <summary>Creates an account with shared-secret registration (the fixture's secret); returns the response body.</summary>
    public static async Task<JsonObject> RegisterWithSharedSecretAsync(this HttpClient client, string username, string password, bool admin)
    {
        const string path = "/_synapse/admin/v1/register";
        var nonce = (await (await client.GetAsync(path)).ReadJsonObjectAsync()).Str("nonce");
        var mac = Homeserver.Accounts.SharedSecretRegistration.ComputeMac(OpenRegistrationFixture.SharedSecret, nonce, username, password, admin);
        var response = await client.PostJsonAsync(path, new JsonObject
        {
            ["nonce"] = nonce,
            ["username"] = username,
            ["password"] = password,
            ["admin"] = admin,
            ["mac"] = Convert.ToHexStringLower(mac),
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonObjectAsync();
    }

    public static async Task<HttpStatusCode> WhoAmIStatusAsync(this HttpClient client, string accessToken) =>
        (await client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/account/whoami", accessToken))).StatusCode;

    public static string Str(this JsonObject json, string name) => json[name]!.GetValue<string>();

    /// <summary>A user name no other test uses.</summary>
    public static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>A host configured by the test itself, for tests that need settings of their own.</summary>
public sealed class CustomAccountsHost(Action<HomeserverConfig> configure) : AccountsFixture(configure);
