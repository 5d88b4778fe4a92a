using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Accounts;

/// <summary>Synapse's registration token admin API and the spec's whois.</summary>
public class AdminApiTests(TokenRegistrationFixture fixture) : IClassFixture<TokenRegistrationFixture>
{
    private const string TokensPath = "/_synapse/admin/v1/registration_tokens";
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> AdminTokenAsync() =>
        (await _client.RegisterWithSharedSecretAsync(NewName("admin"), "pw", admin: true)).Str("access_token");

    private async Task<JsonObject> UserAsync() => await _client.RegisterWithSharedSecretAsync(NewName("user"), "pw", admin: false);

    [Fact]
    public async Task An_admin_creates_a_token_that_lets_someone_register()
    {
        var admin = await AdminTokenAsync();
        var token = NewName("Tok.");

        var created = await _client.PostJsonAsync($"{TokensPath}/new", new JsonObject { ["token"] = token, ["uses_allowed"] = 1 }, admin);

        created.StatusCode.Should().Be(HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
        (await created.ReadJsonObjectAsync()).ToJsonString().Should().Be($$"""{"token":"{{token}}","uses_allowed":1,"pending":0,"completed":0,"expiry_time":null}""");

        var name = NewName("invited");
        var challenge = await (await _client.PostJsonAsync($"{V3}/register", new JsonObject { ["username"] = name, ["password"] = "pw" })).ReadJsonObjectAsync();
        var registered = await _client.PostJsonAsync($"{V3}/register", new JsonObject
        {
            ["username"] = name,
            ["password"] = "pw",
            ["auth"] = new JsonObject { ["type"] = "m.login.registration_token", ["token"] = token, ["session"] = challenge.Str("session") },
        });
        registered.StatusCode.Should().Be(HttpStatusCode.OK);

        var after = await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{TokensPath}/{token}", admin))).ReadJsonObjectAsync();
        after["completed"]!.GetValue<long>().Should().Be(1);
        var invalid = await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{TokensPath}?valid=false", admin))).ReadJsonObjectAsync();
        invalid["registration_tokens"]!.AsArray().Select(t => t!["token"]!.GetValue<string>()).Should().Contain(token);
    }

    [Fact]
    public async Task Tokens_are_generated_updated_and_deleted()
    {
        var admin = await AdminTokenAsync();
        var generated = await (await _client.PostJsonAsync($"{TokensPath}/new", new JsonObject { ["length"] = 24 }, admin)).ReadJsonObjectAsync();
        var token = generated.Str("token");
        token.Should().MatchRegex("^[A-Za-z0-9]{24}$");

        var expiry = fixture.Host.Time.GetUtcNow().ToUnixTimeMilliseconds() + 60_000;
        var updated = await _client.SendJsonAsync(HttpMethod.Put, $"{TokensPath}/{token}", new JsonObject { ["expiry_time"] = expiry }, admin);
        (await updated.ReadJsonObjectAsync())["expiry_time"]!.GetValue<long>().Should().Be(expiry);
        var unlimited = await _client.SendJsonAsync(HttpMethod.Put, $"{TokensPath}/{token}", new JsonObject { ["uses_allowed"] = null }, admin);
        var body = await unlimited.ReadJsonObjectAsync();
        body["uses_allowed"].Should().BeNull();
        body["expiry_time"]!.GetValue<long>().Should().Be(expiry, "a field left out keeps its value");

        (await _client.SendAsync(TestHost.Request(HttpMethod.Delete, $"{TokensPath}/{token}", admin))).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{TokensPath}/{token}", admin))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await _client.SendAsync(TestHost.Request(HttpMethod.Delete, $"{TokensPath}/{token}", admin))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Invalid_token_requests_are_400()
    {
        var admin = await AdminTokenAsync();
        foreach (var bad in new JsonObject[]
        {
            new() { ["token"] = "has space" },
            new() { ["token"] = new string('a', 65) },
            new() { ["length"] = 0 },
            new() { ["uses_allowed"] = -1 },
            new() { ["expiry_time"] = 1 },
        })
            await (await _client.PostJsonAsync($"{TokensPath}/new", bad, admin)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);

        var token = NewName("dup");
        await _client.PostJsonAsync($"{TokensPath}/new", new JsonObject { ["token"] = token }, admin);
        await (await _client.PostJsonAsync($"{TokensPath}/new", new JsonObject { ["token"] = token }, admin)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Only_admins_may_use_the_token_api()
    {
        var user = await UserAsync();
        await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, TokensPath, user.Str("access_token")))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.PostJsonAsync($"{TokensPath}/new", new JsonObject(), user.Str("access_token"))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        (await _client.GetAsync(TokensPath)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Whois_answers_the_user_itself_and_admins_only()
    {
        var user = await UserAsync();
        var other = await UserAsync();
        var admin = await AdminTokenAsync();
        var path = $"{V3}/admin/whois/{Uri.EscapeDataString(user.Str("user_id"))}";

        var own = await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, path, user.Str("access_token")))).ReadJsonObjectAsync();
        own.Str("user_id").Should().Be(user.Str("user_id"));
        own["devices"]![user.Str("device_id")]!["sessions"]![0]!["connections"]!.AsArray().Should().ContainSingle();

        (await _client.SendAsync(TestHost.Request(HttpMethod.Get, path, admin))).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, path, other.Str("access_token")))).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/admin/whois/%40nobody%3Atest.example", admin)))
            .ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }
}
