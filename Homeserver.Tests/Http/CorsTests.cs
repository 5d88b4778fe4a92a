using System.Net;

namespace Homeserver.Tests.Http;

public class CorsTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly HttpClient _client = host.CreateClient();

    [Theory]
    [InlineData("/_matrix/client/v3/account/whoami")]
    [InlineData("/_matrix/client/v3/rooms/!room:example.org/send/m.room.message/txn1")]
    [InlineData("/_matrix/client/versions")]
    [InlineData("/.well-known/matrix/client")]
    public async Task Preflight_is_answered_without_running_the_endpoint(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "https://app.example.org");
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        var response = await _client.SendAsync(request);

        // whoami without a token would be 401 if its logic ran.
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        ShouldHaveCorsHeaders(response);
    }

    [Theory]
    [InlineData("/_matrix/client/versions")]
    [InlineData("/_matrix/client/v3/no_such_endpoint")]
    [InlineData("/_matrix/client/v3/account/whoami")]
    [InlineData("/_test/throw")]
    public async Task Every_response_carries_the_cors_headers(string path)
    {
        var response = await _client.GetAsync(path);
        ShouldHaveCorsHeaders(response);
    }

    private static void ShouldHaveCorsHeaders(HttpResponseMessage response)
    {
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        response.Headers.GetValues("Access-Control-Allow-Methods").Should().Equal("GET, POST, PUT, DELETE, OPTIONS");
        response.Headers.GetValues("Access-Control-Allow-Headers").Should().Equal("X-Requested-With, Content-Type, Authorization");
    }
}
