using System.Net;
using Homeserver.Federation.Http;

namespace Homeserver.Tests.Http;

public class DiscoveryTests
{
    [Fact]
    public async Task Versions_lists_r0_releases_and_v1_1_to_v1_19_but_not_v1_0()
    {
        using var host = new TestHost();
        var response = await host.CreateClient().GetAsync("/_matrix/client/versions");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.ReadJsonObjectAsync();
        var versions = body["versions"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        versions.Should().Contain(["r0.0.1", "r0.5.0", "r0.6.1", "v1.1", "v1.11", "v1.19"]);
        versions.Should().NotContain("v1.0").And.OnlyHaveUniqueItems();
        body["unstable_features"].Should().BeOfType<System.Text.Json.Nodes.JsonObject>();
    }

    [Fact]
    public async Task Client_well_known_uses_public_baseurl()
    {
        using var host = TestHost.With(c => c.PublicBaseUrl = "https://matrix.test.example/");
        var body = await (await host.CreateClient().GetAsync("/.well-known/matrix/client")).ReadJsonObjectAsync();
        body["m.homeserver"]!["base_url"]!.GetValue<string>().Should().Be("https://matrix.test.example/");
    }

    [Fact]
    public async Task Client_well_known_defaults_to_https_server_name_not_the_host_header()
    {
        using var host = new TestHost();
        var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/matrix/client");
        request.Headers.Host = "attacker.example";
        var body = await (await host.CreateClient().SendAsync(request)).ReadJsonObjectAsync();
        body["m.homeserver"]!["base_url"]!.GetValue<string>().Should().Be($"https://{TestHost.ServerName}/");
    }

    [Fact]
    public async Task Server_well_known_is_404_unless_enabled()
    {
        using var host = new TestHost();
        var response = await host.CreateClient().GetAsync("/.well-known/matrix/server");
        await response.ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Theory]
    [InlineData("https://matrix.test.example/", "matrix.test.example:443")]
    [InlineData("https://matrix.test.example:8443/", "matrix.test.example:8443")]
    [InlineData(null, TestHost.ServerName + ":443")]
    public async Task Server_well_known_delegates_to_the_public_host(string? publicBaseUrl, string expected)
    {
        using var host = TestHost.With(c =>
        {
            c.ServeServerWellknown = true;
            c.PublicBaseUrl = publicBaseUrl;
        });
        var response = await host.CreateClient().GetAsync("/.well-known/matrix/server");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.ReadJsonObjectAsync();
        body["m.server"]!.GetValue<string>().Should().Be(expected);
    }
}
