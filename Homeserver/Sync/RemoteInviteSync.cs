using System.Text.Json.Nodes;
using Homeserver.Federation.Membership;
using Homeserver.Storage.Events;
using Homeserver.Storage.Federation;

namespace Homeserver.Sync;

/// <summary>
/// Invites from other servers to rooms this server does not hold (kept outside the room graph) in
/// /sync: a pending one in <c>rooms.invite</c> with the stripped state the inviting server sent, a
/// rejected one in <c>rooms.leave</c>. Their positions share the room stream, so the sync token's room
/// position covers them.
/// </summary>
public sealed class RemoteInviteSync(IRemoteInviteStore store)
{
    /// <param name="latestInGraph">The user's latest membership event per room in the room graph here: a room whose graph
    /// membership is newer than the remote invite (the user joined through it, for one) syncs from the graph instead.</param>
    public async Task AddToAsync(JsonObject invite, JsonObject leave, SyncRequest request, IReadOnlyDictionary<string, MembershipChange> latestInGraph,
        long upTo, CancellationToken cancellationToken)
    {
        var since = request.FullState ? null : request.Since?.Room;
        foreach (var record in await store.GetChangedAsync(request.UserId, since ?? 0, upTo, cancellationToken))
        {
            if (latestInGraph.TryGetValue(record.RoomId, out var inGraph) && inGraph.StreamOrdering > record.StreamPosition) continue;
            if (!request.Filter.Rooms.AllowsRoom(record.RoomId)) continue;
            if (record.State == RemoteInviteRecord.Pending)
            {
                invite[record.RoomId] = new JsonObject
                {
                    ["invite_state"] = new JsonObject { ["events"] = JsonNode.Parse(record.StrippedState) as JsonArray ?? [] },
                };
            }
            else if (since is not null && !leave.ContainsKey(record.RoomId))
            {
                leave[record.RoomId] = new JsonObject
                {
                    ["timeline"] = new JsonObject { ["events"] = new JsonArray(), ["limited"] = false },
                    ["state"] = new JsonObject { ["events"] = new JsonArray() },
                    ["account_data"] = new JsonObject { ["events"] = new JsonArray() },
                };
            }
        }
    }
}

/// <summary>Wakes the invitee's waiting /sync when their remote invites change.</summary>
public sealed class RemoteInviteWakeups(SyncWakeups wakeups) : IRemoteInviteListener
{
    public void InviteChanged(string userId) => wakeups.SignalUser(userId);
}
