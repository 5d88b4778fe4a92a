using System.Net;
using Homeserver.Federation.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Homeserver.Tests.Http;

public class ErrorResponseTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly HttpClient _client = host.CreateClient();

    [Theory]
    [InlineData("/_matrix/client/v3/no_such_endpoint")]
    [InlineData("/_matrix/federation/v1/nothing")]
    [InlineData("/not/matrix/at/all")]
    public async Task Unknown_endpoints_answer_404_M_UNRECOGNIZED(string path)
    {
        var response = await _client.GetAsync(path);
        await response.ShouldBeMatrixErrorAsync(404, ErrorCodes.Unrecognized);
    }

    [Fact]
    public async Task Known_path_with_wrong_method_answers_405_M_UNRECOGNIZED()
    {
        var response = await _client.PostAsync("/_matrix/client/versions", TestHost.JsonContent("{}"));
        await response.ShouldBeMatrixErrorAsync(405, ErrorCodes.Unrecognized);
        response.Content.Headers.Allow.Should().Contain("GET");
    }

    [Fact]
    public async Task Unexpected_exception_answers_500_M_UNKNOWN_without_internals()
    {
        var response = await _client.GetAsync("/_test/throw");
        var body = await response.ShouldBeMatrixErrorAsync(500, ErrorCodes.Unknown);
        body.Count.Should().Be(2);
        var text = body.ToJsonString();
        text.Should().NotContain("hunter2").And.NotContain("InvalidOperationException").And.NotContain("at Homeserver");

        var logged = host.Logs.Entries.Should().ContainSingle(e => e.EventId.Id == 2000).Subject;
        logged.Level.Should().Be(LogLevel.Error);
        logged.Exception!.Message.Should().Be(TestEndpoints.SecretDetail);
        logged.Message.Should().Contain("GET /_test/throw");
    }

    [Fact]
    public void Minimal_api_binding_failures_throw_so_they_become_matrix_errors()
    {
        host.Services.GetRequiredService<IOptions<RouteHandlerOptions>>().Value.ThrowOnBadRequest.Should().BeTrue();
    }

    [Fact]
    public async Task Kestrel_body_size_limit_answers_413_M_TOO_LARGE()
    {
        var response = await _client.PostAsync("/_test/kestrel-too-large", TestHost.JsonContent("{}"));
        await response.ShouldBeMatrixErrorAsync(413, ErrorCodes.TooLarge);
    }

    [Fact]
    public async Task Parameter_binding_failure_answers_400_M_INVALID_PARAM_without_clr_types()
    {
        var response = await _client.GetAsync("/_test/bind-failure");
        var body = await response.ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        body["error"]!.GetValue<string>().Should().NotContain("int limit");
    }

    [Fact]
    public async Task Health_check_is_plain_OK()
    {
        var response = await _client.GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("OK");
    }
}
