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
        if (state.Count + authChain.Count > MaxRemoteStateEvents)
            return RoomEventResult.Dropped(join.EventId, $"more than {MaxRemoteStateEvents} state and auth chain events");
        var (intactState, intactChain) = await CheckIntegrityAsync(ParseValid(state, join.RoomVersion), ParseValid(authChain, join.RoomVersion),
            cancellationToken).ConfigureAwait(false);
        return await JoinRemoteRoomAsync(join, intactState, intactChain, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="JoinRemoteRoomAsync(Pdu, IReadOnlyList{JsonObject}, IReadOnlyList{JsonObject}, CancellationToken)"/> with a state and
    /// auth chain whose signatures and hashes were already checked here (a checked send_join answer);
    /// each event is still checked against its auth events before it is stored.
    /// </summary>
    public async Task<RoomEventResult> JoinRemoteRoomAsync(Pdu join, IntactEvents state, IntactEvents authChain, CancellationToken cancellationToken)
    {
        var (intact, dropped) = await CheckIntegrityAsync(join, cancellationToken).ConfigureAwait(false);
        if (intact is null) return dropped!;
        if (state.Count + authChain.Count > MaxRemoteStateEvents)
            return RoomEventResult.Dropped(join.EventId, $"more than {MaxRemoteStateEvents} state and auth chain events");
        return await EnqueueAsync(RoomWork.ForEventWithState(intact, ToRemoteState(state, authChain, mayCreateRoom: true)), cancellationToken)
            .ConfigureAwait(false);
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
        if (stateBefore.Count + authChain.Count > MaxRemoteStateEvents)
            return RoomEventResult.Dropped(pdu.EventId, $"more than {MaxRemoteStateEvents} state and auth chain events");
        var (intactState, intactChain) = await CheckIntegrityAsync(ParseValid(stateBefore, version), ParseValid(authChain, version), cancellationToken)
            .ConfigureAwait(false);
        var remote = ToRemoteState(intactState, intactChain, mayCreateRoom: false);
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

    /// <summary>
    /// Checks the signatures and hashes of received events (step 2–3 of the checks on receipt, as for any
    /// received event), spread over the machine's cores: a room's state may hold tens of thousands of
    /// events. Events that fail are left out, repeats of an event id kept once.
    /// </summary>
    public async Task<IntactEvents> CheckIntegrityAsync(IReadOnlyList<Pdu> events, CancellationToken cancellationToken)
    {
        var unique = events.DistinctBy(e => e.EventId, StringComparer.Ordinal).ToList();
        var checkedEvents = new Pdu?[unique.Count];
        await Parallel.ForAsync(0, unique.Count, new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = Environment.ProcessorCount,
        }, async (i, ct) => checkedEvents[i] = (await CheckIntegrityAsync(unique[i], ct).ConfigureAwait(false)).Event).ConfigureAwait(false);
        return new IntactEvents(checkedEvents.OfType<Pdu>().ToList());
    }

    /// <summary>
    /// <see cref="CheckIntegrityAsync(IReadOnlyList{Pdu}, CancellationToken)"/> of a state and its auth chain, which
    /// usually share many events: each event is checked once.
    /// </summary>
    public async Task<(IntactEvents State, IntactEvents AuthChain)> CheckIntegrityAsync(IReadOnlyList<Pdu> state, IReadOnlyList<Pdu> authChain,
        CancellationToken cancellationToken)
    {
        var intact = (await CheckIntegrityAsync([.. state, .. authChain], cancellationToken).ConfigureAwait(false)).Events
            .ToDictionary(e => e.EventId, StringComparer.Ordinal);
        IntactEvents Keep(IReadOnlyList<Pdu> events) => new(events.DistinctBy(e => e.EventId, StringComparer.Ordinal)
            .Select(e => intact.GetValueOrDefault(e.EventId)).OfType<Pdu>().ToList());
        return (Keep(state), Keep(authChain));
    }

    /// <summary>The entries that are well-formed events of the version (others are left out).</summary>
    private static List<Pdu> ParseValid(IReadOnlyList<JsonObject> events, RoomVersion version)
    {
        var parsed = new List<Pdu>(events.Count);
        foreach (var json in events)
        {
            try
            {
                parsed.Add(PduParser.FromJson(json, version));
            }
            catch (PduFormatException)
            {
                // Left out: the state without it is what the checks then decide on.
            }
        }
        return parsed;
    }

    /// <summary>A checked remote state for the room writer: its events (state first) and which of them form the state.</summary>
    private static RemoteState ToRemoteState(IntactEvents state, IntactEvents authChain, bool mayCreateRoom)
    {
        var events = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        foreach (var ev in state.Events.Concat(authChain.Events)) events.TryAdd(ev.EventId, ev);
        return new RemoteState(events.Values.ToList(), state.Events.Select(e => e.EventId).ToList(), mayCreateRoom);
    }
}
