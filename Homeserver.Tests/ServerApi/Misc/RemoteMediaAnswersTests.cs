using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Transport;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary>
/// How a host treats the answers of another server's media endpoint, good and bad, with the other server scripted:
/// malformed answers, redirects to internal addresses and old servers (404 <c>M_UNRECOGNIZED</c>, then the legacy
/// endpoint) each give the client a Matrix error or the content, never a 500, and nothing bad is cached.
/// </summary>
public sealed class RemoteMediaAnswersTests : IClassFixture<RemoteMediaAnswersTests.Fixture>
{
    public const string Origin = "scripted.example";
    public const string Denied = "denied.example";

    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Host = new MiscHost("answers.test");
            Host.Host.ConfigureServices = services =>
            {
                services.AddSingleton<IFederationClient>(Client);
                services.AddSingleton<IFederationPolicy>(new DenyingPolicy(Denied));
            };
        }

        public ScriptedFederationClient Client { get; } = new();

        public MiscHost Host { get; }

        public void Dispose() => Host.Dispose();
    }

    private readonly Fixture _fixture;

    public RemoteMediaAnswersTests(Fixture fixture) => _fixture = fixture;

    private async Task<HttpResponseMessage> DownloadAsync(string mediaId)
    {
        var user = await _fixture.Host.NewUserAsync();
        return await _fixture.Host.Client.SendAsync(TestHost.Request(HttpMethod.Get, $"/_matrix/client/v1/media/download/{Origin}/{mediaId}", user.Token));
    }

    private static HttpResponseMessage Multipart(string body, string contentType = "multipart/mixed; boundary=xyz") => new(HttpStatusCode.OK)
    {
        Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } },
    };

    [Fact]
    public async Task A_well_formed_answer_is_served_and_cached()
    {
        var mediaId = "Good" + Guid.NewGuid().ToString("N");
        _fixture.Client.Answer(mediaId, () => Multipart(
            "--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz\r\nContent-Type: text/plain\r\nContent-Disposition: inline; filename=hi.txt\r\n\r\nhello\r\n--xyz--\r\n"));

        var response = await DownloadAsync(mediaId);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("hello");
        response.Content.Headers.ContentDisposition!.ToString().Should().Be("inline; filename=\"hi.txt\"");
        _fixture.Client.Forget(mediaId);
        (await (await DownloadAsync(mediaId)).Content.ReadAsStringAsync()).Should().Be("hello");
    }

    [Theory]
    [InlineData("not multipart at all", "text/plain")]
    [InlineData("--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz--\r\n", "multipart/mixed; boundary=xyz")]
    [InlineData("--xyz\r\nContent-Type: application/json\r\n\r\nnope\r\n--xyz\r\n\r\nx\r\n--xyz--\r\n", "multipart/mixed; boundary=xyz")]
    [InlineData("--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz\r\n\r\ncut short", "multipart/mixed; boundary=xyz")]
    [InlineData("--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz\r\nLocation: http://127.0.0.1:1/secret\r\n\r\n--xyz--\r\n", "multipart/mixed; boundary=xyz")]
    [InlineData("--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz\r\nLocation: ftp://files.example/x\r\n\r\n--xyz--\r\n", "multipart/mixed; boundary=xyz")]
    public async Task Bad_answers_give_502_and_are_not_cached(string body, string contentType)
    {
        var mediaId = "Bad" + Guid.NewGuid().ToString("N");
        _fixture.Client.Answer(mediaId, () => Multipart(body, contentType));

        await (await DownloadAsync(mediaId)).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);

        Directory.Exists(Path.Combine(_fixture.Host.MediaStore, "remote_content", Origin, mediaId[..2], mediaId[2..4])).Should().BeFalse();
    }

    [Fact]
    public async Task An_old_server_is_asked_on_the_legacy_endpoint_without_remote_fetching()
    {
        var mediaId = "Old" + Guid.NewGuid().ToString("N");
        _fixture.Client.Answer(mediaId, () => throw new FederationRequestException(Origin, "unrecognized", 404, ErrorCodes.Unrecognized));
        _fixture.Client.AnswerLegacy(mediaId, () => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent("legacy bytes"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } },
        });

        var response = await DownloadAsync(mediaId);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadAsStringAsync()).Should().Be("legacy bytes");
        _fixture.Client.Requests.Should().Contain(r => r.Contains($"/_matrix/media/v3/download/{Origin}/{mediaId}?allow_remote=false"));
    }

    [Fact]
    public async Task Servers_the_federation_policy_excludes_are_not_asked()
    {
        var user = await _fixture.Host.NewUserAsync();
        var before = _fixture.Client.Requests.Count;

        var media = await _fixture.Host.Client.SendAsync(TestHost.Request(HttpMethod.Get, $"/_matrix/client/v1/media/download/{Denied}/SomeMedia", user.Token));
        await media.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await user.SendAsync(HttpMethod.Get, $"/profile/{Uri.EscapeDataString($"@someone:{Denied}")}")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await user.SendAsync(HttpMethod.Get, $"/directory/room/{Uri.EscapeDataString($"#room:{Denied}")}")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        _fixture.Client.Requests.Count.Should().Be(before);
    }

    [Fact]
    public async Task Remote_errors_are_passed_on_as_matrix_errors()
    {
        var tooLarge = "Large" + Guid.NewGuid().ToString("N");
        _fixture.Client.Answer(tooLarge, () => throw new FederationRequestException(Origin, "too large", 502, ErrorCodes.TooLarge));
        await (await DownloadAsync(tooLarge)).ShouldBeMatrixErrorAsync(502, ErrorCodes.TooLarge);

        var pending = "Pending" + Guid.NewGuid().ToString("N");
        _fixture.Client.Answer(pending, () => throw new FederationRequestException(Origin, "later", 504, ErrorCodes.NotYetUploaded));
        await (await DownloadAsync(pending)).ShouldBeMatrixErrorAsync(504, ErrorCodes.NotYetUploaded);

        var broken = "Broken" + Guid.NewGuid().ToString("N");
        _fixture.Client.Answer(broken, () => throw new FederationRequestException(Origin, "oops", 500, ErrorCodes.Unknown));
        await (await DownloadAsync(broken)).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);
    }
}

/// <summary>A federation policy that excludes one server.</summary>
public sealed class DenyingPolicy(string denied) : IFederationPolicy
{
    public bool IsAllowed(string serverName) => serverName != denied;
}

/// <summary>A federation client whose media answers a test scripts per media id; JSON requests are refused as unreachable.</summary>
public sealed class ScriptedFederationClient : IFederationClient
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<HttpResponseMessage>> _answers = new();

    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    public void Answer(string mediaId, Func<HttpResponseMessage> answer) => _answers[$"/_matrix/federation/v1/media/download/{mediaId}"] = answer;

    public void AnswerLegacy(string mediaId, Func<HttpResponseMessage> answer) =>
        _answers[$"/_matrix/media/v3/download/{RemoteMediaAnswersTests.Origin}/{mediaId}"] = answer;

    public void Forget(string mediaId) => _answers.TryRemove($"/_matrix/federation/v1/media/download/{mediaId}", out _);

    public Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body, CancellationToken cancellationToken) =>
        throw new FederationRequestException(destination, "unreachable (scripted)");

    public Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken)
    {
        Requests.Enqueue(pathAndQuery);
        var path = pathAndQuery.Split('?')[0];
        if (!_answers.TryGetValue(path, out var answer)) throw new FederationRequestException(destination, "unreachable (scripted)");
        return Task.FromResult(answer());
    }
}
