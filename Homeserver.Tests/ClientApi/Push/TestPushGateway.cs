using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.Tests.ClientApi.Push;

/// <summary>
/// A push gateway on 127.0.0.1 (Kestrel on a free port) for tests: it records each notify request's body
/// and answers with the scripted responses in order, then 200 <c>{"rejected":[]}</c>.
/// </summary>
internal sealed class TestPushGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<JsonObject> _received = Channel.CreateUnbounded<JsonObject>();
    private readonly Queue<(int Status, string Body)> _answers;
    private readonly Lock _lock = new();

    private TestPushGateway(WebApplication app, IEnumerable<(int, string)> answers)
    {
        _app = app;
        _answers = new Queue<(int, string)>(answers);
    }

    /// <summary>The gateway's notify URL.</summary>
    public string NotifyUrl { get; private set; } = "";

    public static async Task<TestPushGateway> StartAsync(params (int Status, string Body)[] answers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new TestPushGateway(app, answers);
        app.MapPost("/_matrix/push/v1/notify", gateway.HandleAsync);
        await app.StartAsync();
        gateway.NotifyUrl = app.Urls.Single().TrimEnd('/') + "/_matrix/push/v1/notify";
        return gateway;
    }

    /// <summary>The next request body received, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<JsonObject> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await _received.Reader.ReadAsync(cancel.Token);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
        (int Status, string Body) answer;
        lock (_lock)
            answer = _answers.Count > 0 ? _answers.Dequeue() : (200, """{"rejected":[]}""");
        _received.Writer.TryWrite(body);
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
