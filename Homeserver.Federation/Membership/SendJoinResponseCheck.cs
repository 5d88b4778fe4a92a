using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Membership;

/// <summary>What a checked <c>send_join</c> answer gives: our join (as the resident signed it), the room state and its auth chain.</summary>
public sealed record CheckedJoin(Pdu Join, IntactEvents State, IntactEvents AuthChain);

/// <summary>
/// Checks a resident server's <c>send_join</c> answer before anything of it is stored: every event
/// of the state and auth chain must be of the room and carry valid signatures (a wrong content hash
/// means the redacted form is used); events failing that are left out; what remains must hold the
/// room's create event and the auth events of every event, our join included; an echoed join must be
/// ours with signatures added only. Signatures and hashes are checked by the room pipeline, which then
/// takes the events without checking them again.
/// </summary>
public sealed class SendJoinResponseCheck(IServerKeys serverKeys, ServerIdentity identity, RoomEventPipeline pipeline)
{
    /// <summary>More events than this in one answer is not a room we can take in.</summary>
    public const int MaxEvents = 250_000;

    public async Task<CheckedJoin> CheckAsync(JsonNode? answer, Pdu join, string residentServer, CancellationToken cancellationToken)
    {
        if (answer is not JsonObject response || response["state"] is not JsonArray state || response["auth_chain"] is not JsonArray chain)
            throw new InvalidRemoteAnswerException(residentServer, "the answer lacks state or auth_chain");
        if (state.Count + chain.Count > MaxEvents)
            throw new InvalidRemoteAnswerException(residentServer, $"the answer holds more than {MaxEvents} events");

        join = await CheckEchoedJoinAsync(response["event"], join, residentServer, cancellationToken).ConfigureAwait(false);

        var (stateEvents, chainEvents) = await pipeline.CheckIntegrityAsync(EventsOfRoom(state, join), EventsOfRoom(chain, join), cancellationToken)
            .ConfigureAwait(false);
        var known = new HashSet<string>(stateEvents.Events.Concat(chainEvents.Events).Select(e => e.EventId), StringComparer.Ordinal);

        if (!stateEvents.Events.Any(e => e.Type == AuthStateKeys.CreateType && e.StateKey == ""))
            throw new InvalidRemoteAnswerException(residentServer, "the state holds no valid m.room.create event");
        foreach (var ev in stateEvents.Events.Concat(chainEvents.Events).Append(join))
            foreach (var authId in ev.AuthEvents)
                if (!known.Contains(authId))
                    throw new InvalidRemoteAnswerException(residentServer, $"the auth chain lacks {authId}, an auth event of {ev.EventId}");

        return new CheckedJoin(join, stateEvents, chainEvents);
    }

    private async Task<Pdu> CheckEchoedJoinAsync(JsonNode? echoed, Pdu join, string residentServer, CancellationToken cancellationToken)
    {
        var authoriser = JoinAuthorisation.RequiredSigningServer(join);
        if (echoed is null)
            return authoriser is null
                ? join
                : throw new InvalidRemoteAnswerException(residentServer, "the join needs the resident's signature, which the answer lacks");
        if (echoed is not JsonObject returned || !MembershipTemplateCheck.IsSameEventWithMoreSignatures(join.Json, returned, identity.ServerName))
            throw new InvalidRemoteAnswerException(residentServer, "the returned join event is not the one we sent");
        var copy = returned.DeepClone().AsObject();
        copy.Remove("unsigned");
        var pdu = PduParser.FromJson(copy, join.RoomVersion);
        if (authoriser is not null)
        {
            var keys = await EventKeys.ForAsync(serverKeys, identity, pdu, cancellationToken).ConfigureAwait(false);
            if (!EventSignatureVerifier.VerifyServer(pdu.Json, pdu.RoomVersion, authoriser, keys.GetValueOrDefault(authoriser) ?? []).IsValid)
                throw new InvalidRemoteAnswerException(residentServer, $"the returned join lacks a valid signature of {authoriser}");
        }
        return pdu;
    }

    /// <summary>The entries that are well-formed events of the join's room and version, without repeats.</summary>
    private static List<Pdu> EventsOfRoom(JsonArray entries, Pdu join)
    {
        var kept = new List<Pdu>(entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry is not JsonObject json) continue;
            Pdu pdu;
            try
            {
                // A copy: the answer's node belongs to its array, the event is kept apart from it.
                pdu = PduParser.FromJson(json.DeepClone().AsObject(), join.RoomVersion);
            }
            catch (PduFormatException)
            {
                continue;
            }
            if (pdu.RoomId == join.RoomId && seen.Add(pdu.EventId)) kept.Add(pdu);
        }
        return kept;
    }
}
