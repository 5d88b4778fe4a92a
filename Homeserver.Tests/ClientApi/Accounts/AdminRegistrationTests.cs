using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Accounts;
using Homeserver.Cli;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Accounts;

public class AdminRegistrationTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private const string Path = "/_synapse/admin/v1/register";
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> NonceAsync() => (await (await _client.GetAsync(Path)).ReadJsonObjectAsync()).Str("nonce");

    private static JsonObject Body(string nonce, string username, string password, bool admin, string mac) => new()
    {
        ["nonce"] = nonce,
        ["username"] = username,
        ["password"] = password,
        ["admin"] = admin,
        ["mac"] = mac,
    };

    [Fact]
    public async Task A_correct_mac_registers_the_user_who_can_then_log_in()
    {
        var name = NewName("admin");
        var nonce = await NonceAsync();
        var mac = Convert.ToHexStringLower(SharedSecretRegistration.ComputeMac(OpenRegistrationFixture.SharedSecret, nonce, name, "admin pw", admin: true));

        var response = await _client.PostJsonAsync(Path, Body(nonce, name, "admin pw", true, mac));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.ReadJsonObjectAsync();
        body.Str("user_id").Should().Be($"@{name}:{TestHost.ServerName}");
        (await _client.WhoAmIStatusAsync(body.Str("access_token"))).Should().Be(HttpStatusCode.OK);
        (await fixture.Host.Services.GetRequiredService<IUserStore>().FindAsync(body.Str("user_id"), CancellationToken.None))!.Admin.Should().BeTrue();
        await _client.LoginAsync(name, "admin pw");
    }

    [Fact]
    public void The_mac_is_hmac_sha1_over_the_nul_separated_fields_as_synapse_documents()
    {
        // hmac.new(b"secret", b"abc\x00bob\x00pw\x00notadmin", hashlib.sha1).hexdigest()
        Convert.ToHexStringLower(SharedSecretRegistration.ComputeMac("secret", "abc", "bob", "pw", admin: false))
            .Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA1.HashData("secret"u8, "abc\0bob\0pw\0notadmin"u8)));
    }

    [Fact]
    public async Task A_wrong_mac_is_403_and_uses_up_the_nonce()
    {
        var name = NewName("mallory");
        var nonce = await NonceAsync();
        var wrong = Convert.ToHexStringLower(SharedSecretRegistration.ComputeMac("not the secret", nonce, name, "pw", admin: false));

        await (await _client.PostJsonAsync(Path, Body(nonce, name, "pw", false, wrong))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        var right = Convert.ToHexStringLower(SharedSecretRegistration.ComputeMac(OpenRegistrationFixture.SharedSecret, nonce, name, "pw", admin: false));
        await (await _client.PostJsonAsync(Path, Body(nonce, name, "pw", false, right))).ShouldBeMatrixErrorAsync(400, ErrorCodes.Unknown);

        var adminClaim = await NonceAsync();
        var notAdminMac = Convert.ToHexStringLower(SharedSecretRegistration.ComputeMac(OpenRegistrationFixture.SharedSecret, adminClaim, name, "pw", admin: false));
        await (await _client.PostJsonAsync(Path, Body(adminClaim, name, "pw", true, notAdminMac))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.PostJsonAsync(Path, Body(await NonceAsync(), name, "pw", false, "not hex"))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        (await _client.GetAsync($"{V3}/register/available?username={name}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Nonces_expire_after_a_minute()
    {
        var name = NewName("late");
        var nonce = await NonceAsync();
        fixture.Host.Time.Advance(TimeSpan.FromSeconds(61));
        var mac = Convert.ToHexStringLower(SharedSecretRegistration.ComputeMac(OpenRegistrationFixture.SharedSecret, nonce, name, "pw", admin: false));
        await (await _client.PostJsonAsync(Path, Body(nonce, name, "pw", false, mac))).ShouldBeMatrixErrorAsync(400, ErrorCodes.Unknown);
    }

    [Fact]
    public async Task The_register_user_command_registers_through_the_running_server()
    {
        var name = NewName("cli");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await RegisterUserCommand.RunAsync(
            ["--url", "http://localhost", "--shared-secret", OpenRegistrationFixture.SharedSecret, "-u", name, "-p", "cli pw", "--admin"],
            new Dictionary<string, string>(), new StringReader(""), stdout, stderr, fixture.Host.Server.CreateHandler());

        exit.Should().Be(0, stderr.ToString());
        stdout.ToString().Should().Contain($"Registered @{name}:{TestHost.ServerName} (admin)").And.NotContain("syt_");
        await _client.LoginAsync(name, "cli pw");
    }

    [Fact]
    public async Task The_register_user_command_reads_the_secret_from_the_config_and_the_password_from_stdin()
    {
        var name = NewName("cfg");
        using var folder = new Homeserver.Tests.Cli.TempFolder();
        var config = folder["homeserver.yaml"];
        await File.WriteAllTextAsync(config, $"server_name: {TestHost.ServerName}\nregistration_shared_secret: \"{OpenRegistrationFixture.SharedSecret}\"\n");
        var stderr = new StringWriter();

        var exit = await RegisterUserCommand.RunAsync(["-c", config, "--url=http://localhost", "--user", name],
            new Dictionary<string, string>(), new StringReader("stdin pw\n"), new StringWriter(), stderr, fixture.Host.Server.CreateHandler());

        exit.Should().Be(0, stderr.ToString());
        await _client.LoginAsync(name, "stdin pw");
    }

    [Fact]
    public async Task The_register_user_command_fails_clearly_with_a_wrong_secret()
    {
        var stderr = new StringWriter();
        var exit = await RegisterUserCommand.RunAsync(
            ["--url", "http://localhost", "--shared-secret", "wrong", "-u", NewName("cli"), "-p", "pw"],
            new Dictionary<string, string>(), new StringReader(""), new StringWriter(), stderr, fixture.Host.Server.CreateHandler());

        exit.Should().Be(1);
        stderr.ToString().Should().Contain("M_FORBIDDEN");
    }

    [Fact]
    public void The_command_line_hands_register_user_its_options()
    {
        var parsed = CommandLine.Parse(["--config", "x.yaml", "register-user", "-u", "bob", "--admin"]);
        parsed.Kind.Should().Be(CommandKind.RegisterUser);
        parsed.CommandArgs.Should().Equal("--config=x.yaml", "-u", "bob", "--admin");
    }
}
