using System.Text.Json.Nodes;
using System.Threading.Channels;
using Homeserver.Storage.Push;

namespace Homeserver.Notifications;

/// <summary>
/// Sends notifications to the recipients' HTTP pushers in the background: a bounded queue (a full queue
/// drops and logs), one reader that looks up pushers and the unread badge, and a bounded number of sends
/// in flight, each retrying on its own so a slow gateway holds up no one else.
/// </summary>
public sealed partial class PushDeliveryQueue(IPusherStore pushers, UnreadNotificationCounts counts, PushGatewaySender sender,
    ILogger<PushDeliveryQueue> logger) : BackgroundService
{
    public const int Capacity = 10_000;

    /// <summary>Gateway requests (with their retries) in flight at most.</summary>
    public const int MaxInFlight = 16;

    private readonly Channel<PushDelivery> _channel = Channel.CreateBounded<PushDelivery>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    // Not disposed: sends still finishing at shutdown release it (it holds no wait handle).
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);

    public void Enqueue(PushDelivery delivery)
    {
        if (!_channel.Writer.TryWrite(delivery))
            LogDropped(delivery.UserId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _channel.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await StartAsync(delivery, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(e, delivery.UserId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued notifications are not pushed.
        }
    }

    private async Task StartAsync(PushDelivery delivery, CancellationToken stoppingToken)
    {
        var targets = (await pushers.GetForUserAsync(delivery.UserId, stoppingToken)).Where(p => p.Kind == PusherKinds.Http).ToList();
        if (targets.Count == 0) return;
        var unread = await counts.GetTotalUnreadAsync(delivery.UserId, stoppingToken);
        foreach (var pusher in targets)
        {
            if (JsonNode.Parse(pusher.DataJson) is not JsonObject data || PusherKinds.GatewayUrl(data) is not { } url) continue;
            var payload = PushGatewayPayload.Build(delivery, pusher, data, unread);
            await _inFlight.WaitAsync(stoppingToken);
            _ = Task.Run(async () =>
            {
                try
                {
                    await sender.SendAsync(pusher, url, payload, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(e, delivery.UserId);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down.
                }
                finally
                {
                    _inFlight.Release();
                }
            }, CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 5120, Level = LogLevel.Error, Message = "Push queue is full: a notification for {UserId} is not pushed")]
    private partial void LogDropped(string userId);

    [LoggerMessage(EventId = 5121, Level = LogLevel.Error, Message = "Pushing a notification for {UserId} failed")]
    private partial void LogFailed(Exception exception, string userId);
}
