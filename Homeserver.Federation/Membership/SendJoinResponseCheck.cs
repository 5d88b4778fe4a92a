using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Membership;

/// <summary>What a checked <c>send_join</c> answer gives: our join (as the resident signed it), the room state and its auth chain.</summary>
public sealed record CheckedJoin(Pdu Join, IReadOnlyList<JsonObject> State, IReadOnlyList<JsonObject> AuthChain);

/// <summary>
/// Checks a resident server's <c>send_join</c> answer before anything of it is stored: every event
/// of the state and auth chain must be of the room and carry valid signatures (a wrong content hash
/// means the redacted form is used); events failing that are left out; what remains must hold the
/// room's create event and the auth events of every event, our join included; an echoed join must be
/// ours with signatures added only.
/// </summary>
public sealed class SendJoinResponseCheck(IServerKeys serverKeys, ServerIdentity identity)
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

        var stateEvents = await KeepValidAsync(state, join, cancellationToken).ConfigureAwait(false);
        var chainEvents = await KeepValidAsync(chain, join, cancellationToken).ConfigureAwait(false);
        var known = new HashSet<string>(stateEvents.Concat(chainEvents).Select(e => e.EventId), StringComparer.Ordinal);

        if (!stateEvents.Any(e => e.Type == AuthStateKeys.CreateType && e.StateKey == ""))
            throw new InvalidRemoteAnswerException(residentServer, "the state holds no valid m.room.create event");
        foreach (var ev in stateEvents.Concat(chainEvents).Append(join))
            foreach (var authId in ev.AuthEvents)
                if (!known.Contains(authId))
                    throw new InvalidRemoteAnswerException(residentServer, $"the auth chain lacks {authId}, an auth event of {ev.EventId}");

        return new CheckedJoin(join, [.. stateEvents.Select(e => e.Json)], [.. chainEvents.Select(e => e.Json)]);
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

    /// <summary>The entries that are events of the join's room and version with valid signatures (redacted when their hash fails).</summary>
    private async Task<List<Pdu>> KeepValidAsync(JsonArray entries, Pdu join, CancellationToken cancellationToken)
    {
        var kept = new List<Pdu>(entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry is not JsonObject json) continue;
            Pdu pdu;
            try
            {
                pdu = PduParser.FromJson(json.DeepClone().AsObject(), join.RoomVersion);
            }
            catch (PduFormatException)
            {
                continue;
            }
            if (pdu.RoomId != join.RoomId || !seen.Add(pdu.EventId)) continue;
            var keys = await EventKeys.ForAsync(serverKeys, identity, pdu, cancellationToken).ConfigureAwait(false);
            var (verdict, _) = PduIntegrity.Check(pdu.Json, pdu.RoomVersion, server => keys.GetValueOrDefault(server) ?? []);
            if (verdict == PduIntegrityVerdict.Rejected) continue;
            if (verdict == PduIntegrityVerdict.MustBeRedacted)
                pdu = Pdu.FromJson(Redaction.Redact(pdu.Json, pdu.RoomVersion), pdu.RoomVersion, pdu.EventId);
            kept.Add(pdu);
        }
        return kept;
    }
}
