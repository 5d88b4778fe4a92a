using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.History;

/// <summary>
/// Fetches a room's older history from the other servers in it when a local client pages past the
/// oldest events held here: asks them in turn for <c>/backfill</c> from the room's backward
/// extremities and hands the answer to <see cref="RoomEventPipeline.BackfillAsync"/>. Without a
/// federation client (none configured) there is nothing to ask.
/// </summary>
public sealed class RoomBackfiller(IRoomBackfillStore backfillStore, IRoomEventStore store, RoomServers roomServers, RoomEventPipeline pipeline,
    TimeProvider time, ILogger<RoomBackfiller> logger, IFederationClient? client = null)
{
    /// <summary>After a backfill that got nothing, the room's servers are not asked again for this long.</summary>
    public static readonly TimeSpan RetryAfterNothing = TimeSpan.FromSeconds(30);

    /// <summary>Rooms whose last backfill got nothing, with when they may be tried again.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _quietUntil = new(StringComparer.Ordinal);

    /// <summary>Events asked for per backfill request.</summary>
    public const int EventsPerRequest = 50;

    /// <summary>Backward extremities named per request, and servers tried per backfill.</summary>
    private const int MaxExtremities = 5, MaxServers = 3;

    /// <summary>Backfills in progress by room: concurrent pagers of one room share one backfill.</summary>
    private readonly ConcurrentDictionary<string, Lazy<Task<int>>> _running = new(StringComparer.Ordinal);

    /// <summary>
    /// Fetches and stores older events of the room; the number of timeline events stored (0 when there
    /// is none to get). Cancelling stops the wait, not a backfill other callers may share.
    /// </summary>
    public async Task<int> BackfillAsync(string roomId, CancellationToken cancellationToken)
    {
        if (client is null)
            return 0;
        if (_quietUntil.TryGetValue(roomId, out var until))
        {
            if (time.GetUtcNow() < until)
                return 0;
            _quietUntil.TryRemove(roomId, out _);
        }
        var running = _running.GetOrAdd(roomId, id => new Lazy<Task<int>>(() => RunOnceAsync(id, client)));
        return await running.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One backfill of the room; a failure is logged, not passed on: the client still gets the history held here.</summary>
    private async Task<int> RunOnceAsync(string roomId, IFederationClient client)
    {
        try
        {
            return await RunAsync(roomId, client).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            HistoryLog.BackfillCrashed(logger, e, roomId);
            return 0;
        }
        finally
        {
            _running.TryRemove(roomId, out _);
        }
    }

    private async Task<int> RunAsync(string roomId, IFederationClient client)
    {
        var cancellationToken = CancellationToken.None;
        var extremities = await backfillStore.GetBackwardExtremitiesAsync(roomId, MaxExtremities, cancellationToken).ConfigureAwait(false);
        if (extremities.Count == 0)
            return 0;
        if (await store.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false) is not { } room
            || RoomVersionRegistry.Find(room.RoomVersion) is not { } version)
            return 0;

        foreach (var server in (await roomServers.GetRemoteServersAsync(roomId, cancellationToken).ConfigureAwait(false)).Take(MaxServers))
        {
            var source = new FederationBackfillSource(client, server);
            IReadOnlyList<JsonObject> events;
            try
            {
                events = await source.BackfillAsync(roomId, extremities, EventsPerRequest, cancellationToken).ConfigureAwait(false);
            }
            catch (FederationRequestException e)
            {
                HistoryLog.BackfillFailed(logger, roomId, server, e.Message);
                continue;
            }
            var result = await pipeline.BackfillAsync(roomId, version, events, source, cancellationToken).ConfigureAwait(false);
            HistoryLog.Backfilled(logger, roomId, server, result.Stored, result.Dropped.Count);
            foreach (var (eventId, reason) in result.Dropped)
                HistoryLog.BackfilledEventDropped(logger, eventId, roomId, reason);
            if (result.Stored > 0)
                return result.Stored;
        }
        _quietUntil[roomId] = time.GetUtcNow() + RetryAfterNothing;
        return 0;
    }
}
