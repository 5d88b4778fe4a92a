using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Receiving;

/// <summary>
/// One PDU of an inbound transaction through the pipeline, and the answer for it in the transaction's
/// response. When its prev events are unknown here, the gap is filled from its origin: first with the
/// events in between (<see cref="MissingEventsFetcher"/>), else with the state before it (<see cref="RemoteStateFetcher"/>).
/// </summary>
public sealed class InboundPduProcessor(RoomEventPipeline pipeline, MissingEventsFetcher fetcher, RemoteStateFetcher stateFetcher)
{
    /// <summary>Processes the PDU (already known to be of a room of this server, of that room's version).</summary>
    public async Task<JsonObject> ProcessAsync(string origin, JsonObject json, RoomVersion version, FetchBudget budget,
        CancellationToken cancellationToken) =>
        await CompleteAsync(origin, json, version, await SubmitAsync(json, version, cancellationToken).ConfigureAwait(false), budget,
            cancellationToken).ConfigureAwait(false);

    /// <summary>The first attempt alone, for one PDU.</summary>
    public Task<RoomEventResult> SubmitAsync(JsonObject json, RoomVersion version, CancellationToken cancellationToken) =>
        pipeline.ReceiveAsync(json.DeepClone().AsObject(), version, cancellationToken);

    /// <summary>
    /// The checks of the PDUs of one room that depend on nothing but each PDU (format, signatures, hashes), on
    /// copies: run while the caller still waits for the transaction's other lookups. Queue them with <see cref="SubmitAll"/>.
    /// </summary>
    public Task<CheckedEvents> CheckAllAsync(IReadOnlyList<JsonObject> pdus, RoomVersion version, CancellationToken cancellationToken) =>
        pipeline.CheckReceivedAsync(pdus.Select(p => p.DeepClone().AsObject()).ToList(), version, cancellationToken);

    /// <summary>
    /// The first attempt for the checked PDUs of one room together: queued in their order, so the room's writer
    /// stores them in one batch (one commit). One task per PDU, to hand to <see cref="CompleteAsync"/>.
    /// </summary>
    public IReadOnlyList<Task<RoomEventResult>> SubmitAll(CheckedEvents pdus, CancellationToken cancellationToken) =>
        pipeline.Submit(pdus, cancellationToken);

    /// <summary>The answer after the first attempt, filling a gap from the origin when that attempt found one.</summary>
    public async Task<JsonObject> CompleteAsync(string origin, JsonObject json, RoomVersion version, RoomEventResult result, FetchBudget budget,
        CancellationToken cancellationToken)
    {
        if (result.Outcome != RoomEventOutcome.MissingEvents || Parse(json, version) is not { } pdu) return Answer(result);

        if (await fetcher.FetchMissingPrevEventsAsync(origin, pdu, budget, cancellationToken).ConfigureAwait(false))
        {
            result = await pipeline.ReceiveAsync(json.DeepClone().AsObject(), version, cancellationToken).ConfigureAwait(false);
            if (result.Outcome != RoomEventOutcome.MissingEvents) return Answer(result);
        }
        return Answer(await stateFetcher.ReceiveWithRemoteStateAsync(origin, pdu, budget, cancellationToken).ConfigureAwait(false) ?? result);
    }

    /// <summary>
    /// The spec's per-PDU result: an empty object for a processed event (accepted, already known or soft-failed,
    /// which is stored), an error text for one that was dropped, rejected or could not be placed.
    /// </summary>
    public static JsonObject Answer(RoomEventResult result) => result.Outcome switch
    {
        RoomEventOutcome.Accepted or RoomEventOutcome.AlreadyKnown or RoomEventOutcome.SoftFailed => [],
        RoomEventOutcome.Rejected => Error($"rejected by the auth rules{(result.Rule is null ? "" : " (" + result.Rule + ")")}: {result.Reason}"),
        RoomEventOutcome.MissingEvents => Error("the event's predecessors could not be found: " + result.Reason),
        _ => Error(result.Reason ?? "the event was not accepted"),
    };

    public static JsonObject Error(string message) => new() { ["error"] = message };

    private static Pdu? Parse(JsonObject json, RoomVersion version)
    {
        try
        {
            return PduParser.FromJson(json.DeepClone().AsObject(), version);
        }
        catch (PduFormatException)
        {
            return null;
        }
    }
}
