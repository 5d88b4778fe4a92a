using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.FederationApi;
using Homeserver.Http;
using Homeserver.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Transport;

/// <summary>
/// The X-Matrix middleware in a tiny app: one endpoint that requires federation auth and echoes the
/// origin and the verified body, behind the real Matrix HTTP pipeline and the configured policy.
/// </summary>
public sealed class FederationAuthMiddlewareTests : IAsyncLifetime
{
    private const string Self = "self.test";
    private const string Path = "/_matrix/federation/v1/test/echo";
    private readonly TestRemoteServer _remote = new("remote.test");
    private readonly TestRemoteServer _denied = new("denied.test");
    private readonly SigningKey _ownKey = SigningKey.Generate();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        var keys = new MutableServerKeys();
        keys.Add(_remote.Name, _remote.Key);
        keys.Add(_denied.Name, _denied.Key);
        builder.Services.AddSingleton(new ServerIdentity(Self, _ownKey));
        builder.Services.AddSingleton<IServerKeys>(keys);
        builder.Services.AddSingleton<IFederationPolicy>(new ConfiguredFederationPolicy(null, [_denied.Name]));
        builder.Services.AddMatrixHttp();
        _app = builder.Build();
        _app.UseMatrixHttp();
        _app.MapMethods(Path, ["GET", "POST"], (FederationRequest request) =>
            new JsonObject { ["origin"] = request.Origin, ["body"] = request.Body?.DeepClone() }).RequireFederationAuth();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _remote.Dispose();
        _denied.Dispose();
        _ownKey.Dispose();
    }

    [Fact]
    public async Task A_correctly_signed_request_reaches_the_handler_with_its_origin_and_body()
    {
        var body = new JsonObject { ["hello"] = "world", ["n"] = 3 };

        using var response = await _client.SendAsync(_remote.Request(HttpMethod.Post, Path, Self, body));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var json = await response.ReadJsonObjectAsync();
        json["origin"]!.GetValue<string>().Should().Be(_remote.Name);
        JsonNode.DeepEquals(json["body"], body).Should().BeTrue();
    }

    [Fact]
    public async Task A_signed_request_without_body_passes_with_a_null_body()
    {
        using var response = await _client.SendAsync(_remote.Request(HttpMethod.Get, Path + "?a=b%20c", Self));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.ReadJsonObjectAsync())["body"].Should().BeNull();
    }

    [Fact]
    public async Task A_request_without_authorization_is_401_unauthorized()
    {
        using var response = await _client.GetAsync(Path);

        await response.ShouldBeMatrixErrorAsync(401, "M_UNAUTHORIZED");
    }

    [Fact]
    public async Task A_malformed_authorization_header_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("Authorization", "X-Matrix origin=remote.test");

        using var response = await _client.SendAsync(request);

        await response.ShouldBeMatrixErrorAsync(401, "M_UNAUTHORIZED");
    }

    [Fact]
    public async Task A_bad_signature_is_401()
    {
        // Signed over one body, sent with another.
        using var request = _remote.Request(HttpMethod.Post, Path, Self, new JsonObject { ["a"] = 1 });
        request.Content = TestHost.JsonContent("{\"a\":2}");

        using var response = await _client.SendAsync(request);

        await response.ShouldBeMatrixErrorAsync(401, "M_UNAUTHORIZED");
    }

    [Fact]
    public async Task A_signature_by_an_unknown_server_is_401()
    {
        using var stranger = new TestRemoteServer("stranger.test");

        using var response = await _client.SendAsync(stranger.Request(HttpMethod.Get, Path, Self));

        await response.ShouldBeMatrixErrorAsync(401, "M_UNAUTHORIZED");
    }

    [Fact]
    public async Task A_request_for_another_destination_is_401()
    {
        using var response = await _client.SendAsync(_remote.Request(HttpMethod.Get, Path, "other.test"));

        (await response.ShouldBeMatrixErrorAsync(401, "M_UNAUTHORIZED"))["error"]!.GetValue<string>().Should().Contain("other.test");
    }

    [Fact]
    public async Task A_server_the_policy_denies_is_403_forbidden()
    {
        using var response = await _client.SendAsync(_denied.Request(HttpMethod.Get, Path, Self));

        await response.ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_request_claiming_to_come_from_this_server_is_401()
    {
        using var impostor = new TestRemoteServer(Self);

        using var response = await _client.SendAsync(impostor.Request(HttpMethod.Get, Path, Self));

        await response.ShouldBeMatrixErrorAsync(401, "M_UNAUTHORIZED");
    }
}
