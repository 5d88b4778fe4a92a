using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>Reads stored events as <see cref="StoredPdu"/>s, through the shared cache.</summary>
public sealed class StoredPduLoader(IRoomEventStore store, PduCache cache)
{
    /// <summary>The stored events among <paramref name="eventIds"/>, by id; unknown ids are left out.</summary>
    public async Task<Dictionary<string, StoredPdu>> LoadAsync(IEnumerable<string> eventIds, RoomVersion version,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredPdu>(StringComparer.Ordinal);
        var toRead = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in eventIds)
        {
            if (found.ContainsKey(id)) continue;
            if (cache.TryGet(id, out var cached)) found[id] = cached;
            else toRead.Add(id);
        }
        if (toRead.Count == 0) return found;

        foreach (var record in await store.GetEventsAsync(toRead, cancellationToken).ConfigureAwait(false))
        {
            var stored = FromRecord(record, version);
            cache.Add(stored);
            found[record.EventId] = stored;
        }
        return found;
    }

    /// <summary>
    /// Builds the view of a stored event. Stored JSON passed every check when it was written, so it
    /// is read back without validating again; a row that no longer parses is a corrupt database.
    /// </summary>
    public static StoredPdu FromRecord(EventRecord record, RoomVersion version)
    {
        try
        {
            var json = CanonicalJsonReader.ParseObject(record.Json, version);
            return new StoredPdu(Pdu.FromJson(json, version, record.EventId), record.IsRejected, record.IsOutlier);
        }
        catch (Exception e) when (e is CanonicalJsonException or PduFormatException)
        {
            throw new InvalidOperationException($"stored event {record.EventId} cannot be read: {e.Message}", e);
        }
    }
}
