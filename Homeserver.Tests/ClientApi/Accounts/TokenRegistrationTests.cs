using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Accounts;

public class TokenRegistrationTests(TokenRegistrationFixture fixture) : IClassFixture<TokenRegistrationFixture>
{
    private const string ValidityPath = "/_matrix/client/v1/register/m.login.registration_token/validity";
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> CreateTokenAsync(long? usesAllowed = null, long? expiryTime = null)
    {
        var token = Guid.NewGuid().ToString("N")[..16];
        await fixture.Host.Services.GetRequiredService<IRegistrationTokenStore>()
            .CreateAsync(new RegistrationTokenRecord(token, usesAllowed, 0, 0, expiryTime), CancellationToken.None);
        return token;
    }

    private async Task<bool> IsValidAsync(string token) =>
        (await (await _client.GetAsync($"{ValidityPath}?token={token}")).ReadJsonObjectAsync())["valid"]!.GetValue<bool>();

    /// <summary>The js-sdk sequence with a token stage: returns the final response.</summary>
    private async Task<HttpResponseMessage> RegisterWithTokenAsync(string name, string token)
    {
        var challenge = await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = name, ["password"] = "pw" });
        var body = await challenge.ReadJsonObjectAsync();
        body["flows"]!.ToJsonString().Should().Be("""[{"stages":["m.login.registration_token"]}]""");
        return await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["username"] = name,
            ["password"] = "pw",
            ["auth"] = new JsonObject { ["type"] = "m.login.registration_token", ["token"] = token, ["session"] = body.Str("session") },
        });
    }

    [Fact]
    public async Task A_valid_token_registers_and_is_counted_as_completed()
    {
        var token = await CreateTokenAsync(usesAllowed: 5);
        (await IsValidAsync(token)).Should().BeTrue();

        var response = await RegisterWithTokenAsync(NewName("tok"), token);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var record = await fixture.Host.Services.GetRequiredService<IRegistrationTokenStore>().FindAsync(token, CancellationToken.None);
        record.Should().Be(new RegistrationTokenRecord(token, 5, Pending: 0, Completed: 1, null));
    }

    [Fact]
    public async Task An_exhausted_token_is_invalid_and_fails_the_stage_with_a_401_error()
    {
        var token = await CreateTokenAsync(usesAllowed: 1);
        (await RegisterWithTokenAsync(NewName("first"), token)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await IsValidAsync(token)).Should().BeFalse();
        var second = await RegisterWithTokenAsync(NewName("second"), token);
        ((int)second.StatusCode).Should().Be(401);
        var body = await second.ReadJsonObjectAsync();
        body.Str("errcode").Should().Be(ErrorCodes.Unauthorized);
        body.Str("session").Should().NotBeNullOrEmpty();
        body.ContainsKey("flows").Should().BeTrue();
    }

    [Fact]
    public async Task Unknown_and_expired_tokens_are_invalid()
    {
        var expired = await CreateTokenAsync(expiryTime: fixture.Host.Time.GetUtcNow().ToUnixTimeMilliseconds() - 1);
        (await IsValidAsync(expired)).Should().BeFalse();
        (await IsValidAsync("never-issued")).Should().BeFalse();
        ((int)(await RegisterWithTokenAsync(NewName("expired"), expired)).StatusCode).Should().Be(401);
        await (await _client.GetAsync(ValidityPath)).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
    }

    [Fact]
    public async Task A_token_reserved_by_a_session_that_expired_unfinished_can_be_used_again()
    {
        var token = await CreateTokenAsync(usesAllowed: 1);
        var challenge = await (await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = NewName("slow"), ["password"] = "pw" })).ReadJsonObjectAsync();
        // The token stage completes, but the request lacks a password: the registration does not finish.
        var unfinished = await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["username"] = NewName("slow"),
            ["auth"] = new JsonObject { ["type"] = "m.login.registration_token", ["token"] = token, ["session"] = challenge.Str("session") },
        });
        await unfinished.ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        (await IsValidAsync(token)).Should().BeFalse("its only use is pending");

        fixture.Host.Time.Advance(TimeSpan.FromHours(2));
        (await RegisterWithTokenAsync(NewName("later"), token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_dummy_stage_is_not_offered_when_a_token_is_required()
    {
        var response = await _client.PostJsonAsync($"{R0}/register", new JsonObject
        {
            ["username"] = NewName("dummy"),
            ["password"] = "pw",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });
        await response.ShouldBeMatrixErrorAsync(400, ErrorCodes.Unrecognized);
    }
}
