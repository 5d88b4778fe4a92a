using System.Net;
using Homeserver.Federation.Http;

namespace Homeserver.Tests.Http;

public class AccessTokenAuthTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly HttpClient _client = host.CreateClient();

    [Theory]
    [InlineData("/_matrix/client/v3/account/whoami")]
    [InlineData("/_matrix/client/r0/account/whoami")]
    public async Task Whoami_returns_the_token_owner(string path)
    {
        var token = await host.AddTokenAsync("@alice:test.example", "ALICEDEVICE");
        var response = await _client.SendAsync(TestHost.Request(HttpMethod.Get, path, token));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.ReadJsonObjectAsync();
        body["user_id"]!.GetValue<string>().Should().Be("@alice:test.example");
        body["device_id"]!.GetValue<string>().Should().Be("ALICEDEVICE");
        body["is_guest"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Token_in_the_deprecated_query_parameter_is_accepted()
    {
        var token = await host.AddTokenAsync("@guest:test.example", "GUESTDEVICE", isGuest: true);
        var response = await _client.GetAsync($"/_matrix/client/v3/account/whoami?access_token={token}");

        var body = await response.ReadJsonObjectAsync();
        body["user_id"]!.GetValue<string>().Should().Be("@guest:test.example");
        body["is_guest"]!.GetValue<bool>().Should().BeTrue();
        host.Logs.Entries.Should().NotContain(e => e.Message.Contains(token), "request URLs with tokens must not be logged");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task Missing_token_is_401_M_MISSING_TOKEN(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/v3/account/whoami");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await _client.SendAsync(request);
        await response.ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
    }

    [Fact]
    public async Task Unknown_token_is_401_M_UNKNOWN_TOKEN_without_soft_logout()
    {
        var response = await _client.SendAsync(TestHost.Request(HttpMethod.Get, "/_matrix/client/v3/account/whoami", "syt_never_issued"));
        var body = await response.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken);
        body["soft_logout"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Expired_token_is_401_M_UNKNOWN_TOKEN_with_soft_logout()
    {
        var now = host.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var token = await host.AddTokenAsync("@bob:test.example", "BOBDEVICE", expiresAtMs: now);
        var response = await _client.SendAsync(TestHost.Request(HttpMethod.Get, "/_matrix/client/v3/account/whoami", token));
        var body = await response.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken);
        body["soft_logout"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Token_not_yet_expired_is_accepted()
    {
        var now = host.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var token = await host.AddTokenAsync("@carol:test.example", "CAROLDEVICE", expiresAtMs: now + 60_000);
        var response = await _client.SendAsync(TestHost.Request(HttpMethod.Get, "/_matrix/client/v3/account/whoami", token));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_in_both_header_and_query_is_rejected()
    {
        var token = await host.AddTokenAsync("@dave:test.example", "DAVEDEVICE");
        var response = await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"/_matrix/client/v3/account/whoami?access_token={token}", token));
        await response.ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Unauthenticated_endpoints_do_not_look_at_tokens()
    {
        var response = await _client.SendAsync(TestHost.Request(HttpMethod.Get, "/_matrix/client/versions", "syt_never_issued"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
