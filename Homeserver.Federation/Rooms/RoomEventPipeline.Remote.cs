using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Rooms;

/// <summary>Events that come with another server's view of the room state, and local events signed elsewhere first.</summary>
public sealed partial class RoomEventPipeline
{
    /// <summary>Most state and auth chain events taken from one remote answer.</summary>
    public const int MaxRemoteStateEvents = 200_000;

    /// <summary>
    /// Stores a join of a room that lives on other servers, after <c>send_join</c>: the state and auth
    /// chain (untrusted: signatures and hashes checked here, each event checked against its auth events)
    /// as outliers, then the join on top of that state, creating the room here. The join must already be
    /// signed by this server. Events that fail their checks are left out of the state; a join that the
    /// state does not allow, or a state without an acceptable create event, stores nothing.
    /// </summary>
    public async Task<RoomEventResult> JoinRemoteRoomAsync(Pdu join, IReadOnlyList<JsonObject> state, IReadOnlyList<JsonObject> authChain,
        CancellationToken cancellationToken)
    {
        var (intact, dropped) = await CheckIntegrityAsync(join, cancellationToken).ConfigureAwait(false);
        if (intact is null) return dropped!;
        var remote = await CheckRemoteStateAsync(join.RoomVersion, state, authChain, mayCreateRoom: true, cancellationToken).ConfigureAwait(false);
        if (remote is null) return RoomEventResult.Dropped(join.EventId, $"more than {MaxRemoteStateEvents} state and auth chain events");
        return await EnqueueAsync(RoomWork.ForEventWithState(intact, remote), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Processes a received event whose prev events are not known here (a gap that get_missing_events
    /// did not fill), with the state before it as another server reported it (state_ids and the events
    /// fetched for it) and the auth chain of that state. The state's events are checked like those of a
    /// join and stored as outliers; the event is then checked against that state and the current state.
    /// </summary>
    public async Task<RoomEventResult> ReceiveWithStateAsync(JsonObject json, RoomVersion version, IReadOnlyList<JsonObject> stateBefore,
        IReadOnlyList<JsonObject> authChain, CancellationToken cancellationToken)
    {
        Pdu pdu;
        try
        {
            pdu = PduParser.FromJson(json, version);
        }
        catch (PduFormatException e)
        {
            return RoomEventResult.Dropped(null, "invalid event: " + e.Message);
        }
        var (intact, dropped) = await CheckIntegrityAsync(pdu, cancellationToken).ConfigureAwait(false);
        if (intact is null) return dropped!;
        var remote = await CheckRemoteStateAsync(version, stateBefore, authChain, mayCreateRoom: false, cancellationToken).ConfigureAwait(false);
        if (remote is null) return RoomEventResult.Dropped(pdu.EventId, $"more than {MaxRemoteStateEvents} state and auth chain events");
        return await EnqueueAsync(RoomWork.ForEventWithState(intact, remote), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds and signs an event a local user sends, checked against the room's current state, without
    /// storing it: for an invite that the invitee's server must sign before it is stored with
    /// <see cref="SendBuiltAsync"/>.
    /// </summary>
    public async Task<BuiltEvent> BuildAsync(LocalEventDraft draft, CancellationToken cancellationToken)
    {
        var work = RoomWork.ForBuild(draft);
        var result = await EnqueueAsync(work, cancellationToken).ConfigureAwait(false);
        return work.Built is { } built ? new BuiltEvent(built, null) : new BuiltEvent(null, result);
    }

    /// <summary>
    /// Stores an event this server built with <see cref="BuildAsync"/> (perhaps signed by another server
    /// since), with every check a local event gets: a rejection is answered, not stored.
    /// </summary>
    public async Task<RoomEventResult> SendBuiltAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        var (intact, dropped) = await CheckIntegrityAsync(pdu, cancellationToken).ConfigureAwait(false);
        if (intact is null) return dropped!;
        return await EnqueueAsync(RoomWork.ForEvent(intact, isLocal: true), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses and checks signatures and hashes of a remote state; events that fail are left out.</summary>
    private async Task<RemoteState?> CheckRemoteStateAsync(RoomVersion version, IReadOnlyList<JsonObject> state,
        IReadOnlyList<JsonObject> authChain, bool mayCreateRoom, CancellationToken cancellationToken)
    {
        if (state.Count + authChain.Count > MaxRemoteStateEvents) return null;
        var events = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        var stateIds = new List<string>(state.Count);
        foreach (var (json, isState) in state.Select(j => (j, true)).Concat(authChain.Select(j => (j, false))))
        {
            Pdu pdu;
            try
            {
                pdu = PduParser.FromJson(json, version);
            }
            catch (PduFormatException)
            {
                continue;
            }
            if (!events.ContainsKey(pdu.EventId))
            {
                var (intact, _) = await CheckIntegrityAsync(pdu, cancellationToken).ConfigureAwait(false);
                if (intact is null) continue;
                events[pdu.EventId] = intact;
            }
            if (isState) stateIds.Add(pdu.EventId);
        }
        return new RemoteState(events.Values.ToList(), stateIds, mayCreateRoom);
    }
}
