using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Rooms;
using Homeserver.Storage.Events;
using Homeserver.Storage.Search;

namespace Homeserver.Search;

/// <summary>
/// Fills the search index from the room events stream after the stored indexed position, in ranges of
/// <see cref="BatchSize"/> positions, so persisting an event never waits for indexing. It wakes when the
/// pipeline commits events here and otherwise every <see cref="PollInterval"/> (events another process
/// committed). After a commit it waits <see cref="PassDelay"/> before its pass, unless a search is waiting: the
/// pass then takes all the commits of that time at once, and it does not compete for the database with the
/// syncs that a commit wakes. A redaction removes its target's entry once the redaction applies. Events of rooms with
/// encryption enabled are not indexed.
/// </summary>
public sealed partial class SearchIndexer : BackgroundService
{
    public const int BatchSize = 500;
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long a pass waits after the commit that woke it, unless a search waits for the index.</summary>
    public static readonly TimeSpan PassDelay = TimeSpan.FromSeconds(1);

    /// <summary>After a failed pass, the next one waits this long (a broken database is not hammered).</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>How long after the server started answering requests the first pass waits, unless a search waits for the index.</summary>
    public static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(2);

    private readonly IRoomEventNotifier _notifier;
    private readonly IEventSearchStore _store;
    private readonly IRoomEventStore _events;
    private readonly RedactionFinder _redactions;
    private readonly SearchIndexProgress _progress;
    private readonly ILogger<SearchIndexer> _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public SearchIndexer(IRoomEventNotifier notifier, IEventSearchStore store, IRoomEventStore events, RedactionFinder redactions,
        SearchIndexProgress progress, ILogger<SearchIndexer> logger, IHostApplicationLifetime? lifetime = null)
    {
        _lifetime = lifetime;
        _notifier = notifier;
        _store = store;
        _events = events;
        _redactions = redactions;
        _progress = progress;
        _logger = logger;
        _notifier.Committed += OnCommitted;
    }

    public override void Dispose()
    {
        _notifier.Committed -= OnCommitted;
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await AfterStartAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = PollInterval;
                var wanted = _progress.NextDemand();
                try
                {
                    await CatchUpAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(e);
                    wait = RetryDelay;
                }
                if (await _wake.WaitAsync(wait, stoppingToken))
                    await Task.WhenAny(Task.Delay(PassDelay, stoppingToken), wanted);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the next start continues from the stored position.
        }
    }

    /// <summary>
    /// Waits until <see cref="StartDelay"/> after the server started answering requests, or until a search waits for the
    /// index: a backlog (events stored while the server was down) would otherwise take the CPU and database the start-up needs.
    /// </summary>
    private async Task AfterStartAsync(CancellationToken stoppingToken)
    {
        if (_lifetime is null) return;
        var wanted = _progress.NextDemand();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await Task.WhenAny(started.Task, wanted).WaitAsync(stoppingToken);
        if (!wanted.IsCompleted)
            await Task.WhenAny(Task.Delay(StartDelay, stoppingToken), wanted);
    }

    /// <summary>Indexes everything committed after the stored position, range by range.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var position = await _store.GetIndexedPositionAsync(cancellationToken);
        _progress.Reached(position);
        var max = await _events.GetMaxStreamOrderingAsync(cancellationToken);
        while (position < max)
        {
            var upTo = Math.Min(max, position + BatchSize);
            var rows = await _store.GetEventsToIndexAsync(position, upTo, SearchKeys.EventTypes, cancellationToken);
            var entries = new List<SearchEntry>();
            var encryptedByGroup = new Dictionary<long, bool>();
            foreach (var row in rows)
                if (SearchKeys.Extract(row.Type, row.StateKey, ContentOf(row.Json)) is { } text
                    && !await IsEncryptedRoomAsync(row, encryptedByGroup, cancellationToken))
                    entries.Add(new SearchEntry(row.EventNid, row.RoomId, row.Sender, text.Key, row.StreamOrdering, text.Value));
            var redacted = await RedactedTargetsAsync(rows, cancellationToken);
            await _store.IndexAsync(entries, redacted, upTo, cancellationToken);
            position = upTo;
            _progress.Reached(position);
        }
    }

    /// <summary>
    /// Whether the room had encryption enabled before the event: the spec leaves encrypted rooms out of search,
    /// including what little is sent in them unencrypted. Asked once per state group of the range: events of a
    /// group have the same state before them.
    /// </summary>
    private async Task<bool> IsEncryptedRoomAsync(IndexableEvent row, Dictionary<long, bool> encryptedByGroup, CancellationToken cancellationToken)
    {
        if (row.StateBeforeGroup is { } group && encryptedByGroup.TryGetValue(group, out var known)) return known;
        var encrypted = await _events.GetStateBeforeAsync(row.EventId, cancellationToken) is not { } state || state.ContainsKey(("m.room.encryption", ""));
        if (row.StateBeforeGroup is { } seen) encryptedByGroup[seen] = encrypted;
        return encrypted;
    }

    /// <summary>The targets of the range's redactions that the redactions apply to (sender's server or redact power).</summary>
    private async Task<IReadOnlyCollection<string>> RedactedTargetsAsync(IReadOnlyList<IndexableEvent> rows, CancellationToken cancellationToken)
    {
        var targetIds = rows.Where(r => r.Redacts is not null).Select(r => r.Redacts!).Distinct(StringComparer.Ordinal).ToList();
        if (targetIds.Count == 0) return [];
        var redacted = new List<string>();
        var targets = await _events.GetEventsAsync(targetIds, cancellationToken);
        foreach (var room in targets.Where(t => SearchKeys.EventTypes.Contains(t.Type)).GroupBy(t => t.RoomId, StringComparer.Ordinal))
        {
            if (await _events.GetRoomAsync(room.Key, cancellationToken) is not { } record || RoomVersionRegistry.Find(record.RoomVersion) is not { } version)
                continue;
            redacted.AddRange((await _redactions.FindAsync([.. room], version, cancellationToken)).Keys);
        }
        return redacted;
    }

    private static JsonObject? ContentOf(byte[] json)
    {
        try
        {
            return JsonNode.Parse(json)?["content"] as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void OnCommitted(RoomEventsCommitted committed)
    {
        // At most one pending wake: a pass reads everything committed before it starts.
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit woke it at the same moment.
            }
            catch (ObjectDisposedException)
            {
                // Shut down.
            }
        }
    }

    [LoggerMessage(EventId = 5200, Level = LogLevel.Error, Message = "Indexing room events for search failed; retrying")]
    private partial void LogFailed(Exception exception);
}
