using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Storage.Push;

namespace Homeserver.Notifications;

/// <summary>
/// Posts one notification to one pusher's gateway, retrying with doubling waits after network errors,
/// timeouts, 429 and 5xx answers, up to <see cref="PushDeliveryOptions.MaxAttempts"/>. Another 4xx is final.
/// A pushkey the gateway lists as <c>rejected</c> loses its pusher, as the spec requires. The URL is used
/// as the client gave it (an https or http URL ending in <c>/_matrix/push/v1/notify</c>, checked when the
/// pusher was set); no further restriction of where it points is applied.
/// </summary>
public sealed partial class PushGatewaySender(IHttpClientFactory httpClients, IPusherStore pushers, PushDeliveryOptions options, TimeProvider time,
    ILogger<PushGatewaySender> logger)
{
    public const string HttpClientName = "push-gateway";

    /// <summary>Largest gateway answer read.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    public async Task SendAsync(PusherRecord pusher, Uri url, JsonObject payload, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var delay = options.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await TryOnceAsync(pusher, url, body, cancellationToken);
            if (outcome != Outcome.Retry) return;
            if (attempt >= options.MaxAttempts)
            {
                LogGaveUp(pusher.UserId, pusher.AppId, attempt);
                return;
            }
            await Task.Delay(delay, time, cancellationToken);
            delay *= 2;
        }
    }

    private enum Outcome
    {
        Done,
        Retry,
    }

    private async Task<Outcome> TryOnceAsync(PusherRecord pusher, Uri url, byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync(url, content, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                await RemoveRejectedAsync(pusher, await response.Content.ReadAsStringAsync(timeout.Token), cancellationToken);
                return Outcome.Done;
            }
            LogStatus(pusher.UserId, pusher.AppId, (int)response.StatusCode);
            return response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500 ? Outcome.Retry : Outcome.Done;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(pusher.UserId, pusher.AppId, e.Message);
            return Outcome.Retry;
        }
    }

    private async Task RemoveRejectedAsync(PusherRecord pusher, string responseBody, CancellationToken cancellationToken)
    {
        JsonNode? answer;
        try
        {
            answer = JsonNode.Parse(responseBody);
        }
        catch (JsonException)
        {
            return;
        }
        if (answer?["rejected"] is not JsonArray rejected) return;
        if (rejected.Any(k => k is JsonValue v && v.TryGetValue<string>(out var key) && key == pusher.Pushkey))
        {
            await pushers.DeleteAsync(pusher.UserId, pusher.AppId, pusher.Pushkey, cancellationToken);
            LogRejected(pusher.UserId, pusher.AppId);
        }
    }

    [LoggerMessage(EventId = 5110, Level = LogLevel.Warning, Message = "Push gateway for {UserId} ({AppId}) answered {Status}")]
    private partial void LogStatus(string userId, string appId, int status);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "Push gateway for {UserId} ({AppId}) unreachable: {Reason}")]
    private partial void LogUnreachable(string userId, string appId, string reason);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "Gave up pushing to {UserId} ({AppId}) after {Attempts} attempts")]
    private partial void LogGaveUp(string userId, string appId, int attempts);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Information, Message = "Push gateway rejected the pushkey of {UserId} ({AppId}); pusher removed")]
    private partial void LogRejected(string userId, string appId);
}
