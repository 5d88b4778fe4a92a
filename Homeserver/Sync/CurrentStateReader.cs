using System.Text.Json.Nodes;
using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>Single string fields of a room's current state, for access checks.</summary>
public sealed class CurrentStateReader(IRoomEventStore events)
{
    public Task<string?> MembershipAsync(string roomId, string userId, CancellationToken cancellationToken) =>
        ContentStringAsync(roomId, "m.room.member", userId, "membership", cancellationToken);

    public Task<string?> HistoryVisibilityAsync(string roomId, CancellationToken cancellationToken) =>
        ContentStringAsync(roomId, "m.room.history_visibility", "", "history_visibility", cancellationToken);

    /// <summary>A string field of the content of a current state event; null when the event or the field is absent.</summary>
    public async Task<string?> ContentStringAsync(string roomId, string type, string stateKey, string field, CancellationToken cancellationToken)
    {
        if (await events.GetCurrentStateEventIdAsync(roomId, type, stateKey, cancellationToken) is not { } id
            || await events.GetEventAsync(id, cancellationToken) is not { } record)
            return null;
        return JsonNode.Parse(record.Json)?["content"]?[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }
}
