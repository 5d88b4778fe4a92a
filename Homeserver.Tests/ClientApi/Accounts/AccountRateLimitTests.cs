using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Accounts;

/// <summary>rc_login and rc_registration applied to the account endpoints (each test has its own server and buckets).</summary>
public class AccountRateLimitTests
{
    private static RateLimitConfig Burst(int count) => new() { PerSecond = 0.001, BurstCount = count };

    [Fact]
    public async Task Logins_from_one_address_beyond_the_burst_get_429()
    {
        using var host = new CustomAccountsHost(config =>
        {
            config.EnableRegistration = true;
            config.RcLogin.Address = Burst(2);
        });
        var name = NewName("rl");
        await host.Client.RegisterAsync(name, "pw");

        await host.Client.LoginAsync(name, "pw");
        await host.Client.LoginAsync(name, "pw");
        var limited = await host.Client.PostJsonAsync($"{V3}/login", LoginBody(name, "pw"));

        var body = await limited.ShouldBeMatrixErrorAsync(429, ErrorCodes.LimitExceeded);
        body["retry_after_ms"]!.GetValue<long>().Should().BePositive();
        limited.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public async Task Failed_attempts_on_one_account_are_limited_separately_from_other_accounts()
    {
        using var host = new CustomAccountsHost(config =>
        {
            config.EnableRegistration = true;
            config.RcLogin.FailedAttempts = Burst(2);
        });
        var victim = NewName("victim");
        var other = NewName("other");
        await host.Client.RegisterAsync(victim, "pw");
        await host.Client.RegisterAsync(other, "pw");

        await (await host.Client.PostJsonAsync($"{V3}/login", LoginBody(victim, "bad1"))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await host.Client.PostJsonAsync($"{V3}/login", LoginBody($"@{victim}:{TestHost.ServerName}", "bad2"))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await host.Client.PostJsonAsync($"{V3}/login", LoginBody(victim, "bad3"))).ShouldBeMatrixErrorAsync(429, ErrorCodes.LimitExceeded);

        await host.Client.LoginAsync(other, "pw");
    }

    [Fact]
    public async Task Wrong_passwords_in_user_interactive_auth_count_as_failed_attempts()
    {
        using var host = new CustomAccountsHost(config =>
        {
            config.EnableRegistration = true;
            config.RcLogin.FailedAttempts = Burst(1);
        });
        var registered = await host.Client.RegisterAsync(NewName("uia"), "pw");
        var token = registered.Str("access_token");
        var body = new JsonObject { ["new_password"] = "x" };
        var session = (await (await host.Client.PostJsonAsync($"{V3}/account/password", body, token)).ReadJsonObjectAsync()).Str("session");

        body["auth"] = PasswordAuth(registered.Str("user_id"), "guess1", session);
        ((int)(await host.Client.PostJsonAsync($"{V3}/account/password", body, token)).StatusCode).Should().Be(401);
        body["auth"] = PasswordAuth(registered.Str("user_id"), "guess2", session);
        await (await host.Client.PostJsonAsync($"{V3}/account/password", body, token)).ShouldBeMatrixErrorAsync(429, ErrorCodes.LimitExceeded);
    }

    [Fact]
    public async Task Registrations_from_one_address_beyond_the_burst_get_429()
    {
        using var host = new CustomAccountsHost(config =>
        {
            config.EnableRegistration = true;
            config.RcRegistration = Burst(2);
        });
        JsonObject Body() => new() { ["username"] = NewName("reg"), ["password"] = "pw", ["auth"] = new JsonObject { ["type"] = "m.login.dummy" } };

        (await host.Client.PostJsonAsync($"{R0}/register", Body())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await host.Client.PostJsonAsync($"{R0}/register", Body())).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await host.Client.PostJsonAsync($"{R0}/register", Body())).ShouldBeMatrixErrorAsync(429, ErrorCodes.LimitExceeded);
    }
}
