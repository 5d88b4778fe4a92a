using System.Data.Common;
using Dapper;

namespace Homeserver.Storage.Events;

public sealed partial class RoomEventStore
{
    private const string MemberEventType = "m.room.member";

    private const string SelectCurrentStateVersionSql = "SELECT version FROM current_state_versions WHERE room_id = @RoomId";

    private const string UpsertCurrentStateVersionSql = """
        INSERT INTO current_state_versions (room_id, version) VALUES (@RoomId, @Version)
        ON CONFLICT (room_id) DO UPDATE SET version = excluded.version
        """;

    private const string UpsertMembershipSql = """
        INSERT INTO room_memberships (user_id, room_id, membership, event_nid) VALUES (@UserId, @RoomId, @Membership, @EventNid)
        ON CONFLICT (user_id, room_id) DO UPDATE SET membership = excluded.membership, event_nid = excluded.event_nid
        """;

    private const string DeleteMembershipSql = "DELETE FROM room_memberships WHERE user_id = @UserId AND room_id = @RoomId";

    /// <summary>
    /// Replaces the room's current state by <paramref name="newState"/>, writing only the entries
    /// that changed, and keeps the membership index in step with the changed m.room.member entries.
    /// The old state comes from the cache when its <paramref name="version"/> (read under the room lock) is still the stored one.
    /// </summary>
    private async Task ApplyCurrentStateAsync(
        DbConnection connection, DbTransaction transaction, string roomId, long version, StateMap newState,
        Dictionary<string, string> batchMemberships, PersistWork work, CancellationToken cancellationToken)
    {
        var oldState = _currentStates.TryGet(roomId, out var cached) && cached.Version == version
            ? cached.State
            : await ReadCurrentStateAsync(connection, transaction, roomId, cancellationToken);
        var changes = StateSnapshot.Diff(oldState, newState);
        if (changes.Count == 0)
            return;

        var keyNids = await InternStateKeysAsync(connection, transaction, changes.Select(c => c.Key), work, cancellationToken);
        var eventNids = await InternEventIdsAsync(connection, transaction, changes.Select(c => c.EventId).OfType<string>(), work, cancellationToken);
        var removed = changes.Where(c => c.EventId is null).Select(c => (keyNids[c.Key], (long?)null)).ToList();
        var set = changes.Where(c => c.EventId is not null).Select(c => (keyNids[c.Key], (long?)eventNids[c.EventId!])).ToList();
        if (removed.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(_sql.DeleteCurrentState,
                new { RoomId = roomId, Entries = JsonRows.Encode(removed) }, transaction, cancellationToken: cancellationToken));
        if (set.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(_sql.UpsertCurrentState,
                new { RoomId = roomId, Entries = JsonRows.Encode(set) }, transaction, cancellationToken: cancellationToken));

        await UpdateMembershipsAsync(connection, transaction, roomId, changes, eventNids, batchMemberships, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertCurrentStateVersionSql,
            new { RoomId = roomId, Version = version + 1 }, transaction, cancellationToken: cancellationToken));
        work.CurrentState = new CachedCurrentState(version + 1, new StateMap(newState));
    }

    /// <summary>The membership of each changed member entry comes from its event (this batch's, or a stored one).</summary>
    private async Task UpdateMembershipsAsync(
        DbConnection connection, DbTransaction transaction, string roomId, List<((string Type, string StateKey) Key, string? EventId)> changes,
        Dictionary<string, long> eventNids, Dictionary<string, string> batchMemberships, CancellationToken cancellationToken)
    {
        var memberChanges = changes.Where(c => c.Key.Type == MemberEventType).ToList();
        if (memberChanges.Count == 0)
            return;
        var unknown = memberChanges.Select(c => c.EventId).OfType<string>().Where(id => !batchMemberships.ContainsKey(id)).ToList();
        var storedMemberships = unknown.Count == 0
            ? []
            : (await SelectStoredEventsAsync(connection, transaction, unknown, cancellationToken))
                .Where(r => r.Value.Membership is not null)
                .ToDictionary(r => r.Key, r => r.Value.Membership!, StringComparer.Ordinal);

        var upserts = new List<(string UserId, string Membership, long EventNid)>(memberChanges.Count);
        foreach (var (key, eventId) in memberChanges)
        {
            var membership = eventId is null ? null
                : batchMemberships.TryGetValue(eventId, out var fromBatch) ? fromBatch
                : storedMemberships.GetValueOrDefault(eventId);
            if (membership is null)
                await connection.ExecuteAsync(new CommandDefinition(DeleteMembershipSql,
                    new { UserId = key.StateKey, RoomId = roomId }, transaction, cancellationToken: cancellationToken));
            else
                upserts.Add((key.StateKey, membership, eventNids[eventId!]));
        }
        await UpsertMembershipsInChunksAsync(connection, transaction, roomId, upserts, cancellationToken);
    }
}
