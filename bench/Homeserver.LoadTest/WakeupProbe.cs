using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Homeserver.LoadTest;

/// <summary>
/// Measures how fast a waiting <c>/sync</c> answers once an event for it is committed. User B holds a
/// long-poll (<c>since</c> from its previous sync, timeout 30 s); after a pause long enough for the
/// request to be parked in the server, user A sends a message to their shared room, and the time
/// until B's sync response holding that message arrives is one sample. Sampling ends after the
/// given count or time, whichever comes first.
/// </summary>
public sealed class WakeupProbe(MatrixClient senderClient, MatrixClient syncClient, MatrixUser sender, MatrixUser waiter, string roomId)
{
    private string? _since;

    public async Task<(List<double> FromStart, List<double> FromResponse, int ExtraResponses)> RunAsync(
        int samples, TimeSpan maxTime, TimeSpan parkDelay, string label, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        _since ??= (await syncClient.SyncAsync(waiter, null, 0, cancellationToken))["next_batch"]!.GetValue<string>();
        var fromStart = new List<double>(samples);
        var fromResponse = new List<double>(samples);
        var extra = 0;
        for (var i = 0; i < samples && Stopwatch.GetElapsedTime(started) < maxTime; i++)
        {
            var text = $"wake-up {label} {i} {Guid.NewGuid():N}";
            var waiting = WaitForAsync(text, cancellationToken);
            await Task.Delay(parkDelay, cancellationToken);
            var sendStart = Stopwatch.GetTimestamp();
            await senderClient.SendMessageAsync(sender, roomId, Guid.NewGuid().ToString("N"), text, cancellationToken);
            var sendDone = Stopwatch.GetTimestamp();
            var (arrived, responses) = await waiting;
            fromStart.Add(Stopwatch.GetElapsedTime(sendStart, arrived).TotalMilliseconds);
            fromResponse.Add(Stopwatch.GetElapsedTime(sendDone, arrived).TotalMilliseconds);
            extra += responses - 1;
        }
        return (fromStart, fromResponse, extra);
    }

    /// <summary>Long-polls until a response holds the message; returns when it arrived and how many responses it took.</summary>
    private async Task<(long Arrived, int Responses)> WaitForAsync(string text, CancellationToken cancellationToken)
    {
        for (var responses = 1; ; responses++)
        {
            var sync = await syncClient.SyncAsync(waiter, _since, 30_000, cancellationToken);
            var arrived = Stopwatch.GetTimestamp();
            _since = sync["next_batch"]!.GetValue<string>();
            if (HoldsMessage(sync, text))
                return (arrived, responses);
        }
    }

    private bool HoldsMessage(JsonObject sync, string text) =>
        sync["rooms"]?["join"]?[roomId]?["timeline"]?["events"] is JsonArray events
        && events.Any(e => e?["content"]?["body"]?.GetValue<string>() == text);
}
