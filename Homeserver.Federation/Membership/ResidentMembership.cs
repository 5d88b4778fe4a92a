using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Membership;

/// <summary>
/// The resident server's side of the join, leave and knock handshakes: <c>make_*</c> answers an
/// event template built on the room's current state, <c>send_*</c> checks the signed event and
/// takes it through the <see cref="RoomEventPipeline"/>.
/// </summary>
public sealed class ResidentMembership(IRoomEventStore store, StoredPduLoader loader, RoomEventPipeline pipeline, RoomServers roomServers,
    RestrictedJoinAuthoriser restricted, ServerIdentity identity, IServerKeys serverKeys, TimeProvider time, RoomServerAcl acl)
{
    /// <summary>The answer to <c>make_join</c>, <c>make_leave</c> or <c>make_knock</c>: <c>{event, room_version}</c>.</summary>
    /// <param name="supportedVersions">The origin's <c>ver</c> values (null for make_leave, which has none).</param>
    public async Task<JsonObject> MakeAsync(MembershipHandshake handshake, string roomId, string userId, string origin,
        IReadOnlyCollection<string>? supportedVersions, CancellationToken cancellationToken)
    {
        if (!UserIdSyntax.IsValid(userId) || UserIdSyntax.ServerOf(userId) != origin)
            throw MatrixException.Forbidden($"{origin} cannot ask for an event of {userId}.");
        var version = await RequireResidentRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await acl.RequireAllowedAsync(roomId, origin, cancellationToken).ConfigureAwait(false);
        if (supportedVersions is not null && !supportedVersions.Contains(version.Id))
            throw IncompatibleVersion(version);
        if (handshake == MembershipHandshake.Knock && !version.Rules.KnockingAllowed)
            throw IncompatibleVersion(version);

        var state = await store.GetCurrentStateAsync(roomId, cancellationToken).ConfigureAwait(false);
        var content = new JsonObject { ["membership"] = handshake.Membership };
        if (handshake == MembershipHandshake.Join)
        {
            var ruleState = await StateEventsAsync(state, version,
                [AuthStateKeys.Create, AuthStateKeys.JoinRules, AuthStateKeys.PowerLevels, AuthStateKeys.Member(userId)], cancellationToken)
                .ConfigureAwait(false);
            if (await restricted.ChooseAuthoriserAsync(roomId, userId, ruleState, cancellationToken).ConfigureAwait(false) is { } authoriser)
                content[JoinAuthorisation.ContentKey] = authoriser;
        }

        var template = await BuildTemplateAsync(roomId, userId, content, version, state, cancellationToken).ConfigureAwait(false);
        var verdict = await CheckAgainstCurrentStateAsync(template, version, state, cancellationToken).ConfigureAwait(false);
        if (!verdict.Allowed) throw MatrixException.Forbidden(verdict.Reason ?? "The room's auth rules do not allow this.");
        return new JsonObject { ["event"] = template, ["room_version"] = version.Id };
    }

    /// <summary>The answer to <c>send_join</c> (state and auth chain), <c>send_leave</c> (<c>{}</c>) or <c>send_knock</c> (the room's stripped state).</summary>
    public async Task<JsonObject> SendAsync(MembershipHandshake handshake, string roomId, string eventId, string origin, JsonObject body,
        CancellationToken cancellationToken)
    {
        var version = await RequireResidentRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await acl.RequireAllowedAsync(roomId, origin, cancellationToken).ConfigureAwait(false);
        var pdu = ReceivedMemberEvent.Parse(body, version, roomId, eventId, handshake.Membership);
        if (pdu.StateKey != pdu.Sender) throw MatrixException.InvalidParam("The event's state_key is not its sender.");
        if (!UserIdSyntax.IsValid(pdu.Sender) || UserIdSyntax.ServerOf(pdu.Sender) != origin)
            throw MatrixException.InvalidParam($"The event's sender is not a user of {origin}.");
        if (handshake == MembershipHandshake.Knock && !version.Rules.KnockingAllowed) throw IncompatibleVersion(version);
        await RequireValidSignaturesAsync(pdu, cancellationToken).ConfigureAwait(false);

        var json = pdu.Json;
        var signedHere = false;
        if (handshake == MembershipHandshake.Join && JoinAuthorisation.RequiredSigningServer(pdu) == identity.ServerName)
        {
            // We vouch for this join only when the user still meets the room's conditions.
            var state = await store.GetCurrentStateAsync(roomId, cancellationToken).ConfigureAwait(false);
            var ruleState = await StateEventsAsync(state, version,
                [AuthStateKeys.Create, AuthStateKeys.JoinRules, AuthStateKeys.PowerLevels, AuthStateKeys.Member(pdu.Sender)], cancellationToken)
                .ConfigureAwait(false);
            if (!await restricted.RequiresAuthorisationAsync(pdu.Sender, ruleState, cancellationToken).ConfigureAwait(false))
                throw MatrixException.InvalidParam("The join needs no authorisation from this server.");
            json = json.DeepClone().AsObject();
            EventSigner.SignPdu(json, version, identity.ServerName, identity.SigningKey);
            signedHere = true;
        }

        var serversBefore = await roomServers.GetJoinedServersAsync(roomId, cancellationToken).ConfigureAwait(false);
        var result = await pipeline.ReceiveAsync(json.DeepClone().AsObject(), version, cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case RoomEventOutcome.Accepted or RoomEventOutcome.AlreadyKnown:
                break;
            case RoomEventOutcome.Rejected or RoomEventOutcome.SoftFailed:
                throw MatrixException.Forbidden(result.Reason ?? "The room's auth rules do not allow this event.");
            case RoomEventOutcome.MissingEvents:
                throw MatrixException.InvalidParam("The event refers to events this server does not know: " + result.Reason);
            default:
                throw MatrixException.InvalidParam("Invalid event: " + result.Reason);
        }

        if (handshake == MembershipHandshake.Leave) return new JsonObject();
        if (handshake == MembershipHandshake.Knock)
            return new JsonObject { ["knock_room_state"] = await RoomStrippedState.FromCurrentStateAsync(store, roomId, null, cancellationToken).ConfigureAwait(false) };

        var stateBefore = await store.GetStateBeforeAsync(pdu.EventId, cancellationToken).ConfigureAwait(false)
            ?? await store.GetCurrentStateAsync(roomId, cancellationToken).ConfigureAwait(false);
        var stateIds = stateBefore.Values.Distinct(StringComparer.Ordinal).ToList();
        var chainIds = await store.GetAuthChainAsync([.. stateIds, pdu.EventId], cancellationToken).ConfigureAwait(false);
        var stateEvents = await store.GetEventsAsync(stateIds, cancellationToken).ConfigureAwait(false);
        var chainEvents = await store.GetEventsAsync(chainIds.Where(id => id != pdu.EventId).ToList(), cancellationToken).ConfigureAwait(false);
        var response = new JsonObject
        {
            ["origin"] = identity.ServerName,
            ["state"] = FederationEventJson.ArrayOf(stateEvents),
            ["auth_chain"] = FederationEventJson.ArrayOf(chainEvents),
            ["members_omitted"] = false,
            ["servers_in_room"] = new JsonArray([.. serversBefore.Select(s => (JsonNode)JsonValue.Create(s))]),
        };
        if (signedHere) response["event"] = json.DeepClone();
        return response;
    }

    /// <summary>The room's version when this server holds it with a joined member; 404 otherwise.</summary>
    private async Task<RoomVersion> RequireResidentRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        var room = await store.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false)
            ?? throw MatrixException.NotFound("Unknown room.");
        var version = RoomVersionRegistry.Find(room.RoomVersion) ?? throw MatrixException.NotFound("Unknown room.");
        if (!await roomServers.IsInRoomAsync(roomId, identity.ServerName, cancellationToken).ConfigureAwait(false))
            throw MatrixException.NotFound("This server is not in that room.");
        return version;
    }

    private static MatrixException IncompatibleVersion(RoomVersion version) =>
        new(400, ErrorCodes.IncompatibleRoomVersion, $"The room has version {version.Id}, which your server does not support.",
            new Dictionary<string, JsonNode?> { ["room_version"] = version.Id });

    private async Task<JsonObject> BuildTemplateAsync(string roomId, string userId, JsonObject content, RoomVersion version, StateMap state,
        CancellationToken cancellationToken)
    {
        var extremityIds = await store.GetForwardExtremitiesAsync(roomId, cancellationToken).ConfigureAwait(false);
        var extremities = await loader.LoadAsync(extremityIds, version, cancellationToken).ConfigureAwait(false);
        var prevEvents = LocalEventBuilder.ChoosePrevEvents(extremities.Values.Select(s => s.Pdu));
        var authKeys = AuthEventSelection.Select(version, AuthStateKeys.MemberType, userId, userId, content);
        var authEvents = await StateEventsAsync(state, version, authKeys, cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["room_id"] = roomId,
            ["type"] = AuthStateKeys.MemberType,
            ["state_key"] = userId,
            ["sender"] = userId,
            ["content"] = content,
            ["prev_events"] = References(version, prevEvents),
            ["auth_events"] = References(version, [.. authKeys.Where(authEvents.ContainsKey).Select(k => authEvents[k])]),
            ["depth"] = LocalEventBuilder.DepthAfter(prevEvents),
            ["origin_server_ts"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
    }

    /// <summary>Whether the event the template would make passes the auth rules against the current state.</summary>
    private async Task<AuthResult> CheckAgainstCurrentStateAsync(JsonObject template, RoomVersion version, StateMap state,
        CancellationToken cancellationToken)
    {
        // The rules read no signature: signing as this server only gives the candidate a valid format.
        var candidate = template.DeepClone().AsObject();
        if (version.Rules.EventIdFormat == EventIdFormat.Opaque) candidate["event_id"] = "$candidate:" + identity.ServerName;
        EventSigner.SignPdu(candidate, version, identity.ServerName, identity.SigningKey);
        Pdu pdu;
        try
        {
            pdu = PduParser.FromJson(candidate, version);
        }
        catch (PduFormatException e)
        {
            return AuthResult.Reject("format", e.Message);
        }
        var authState = await StateEventsAsync(state, version, AuthEventSelection.StateReadByAuthRules(pdu), cancellationToken).ConfigureAwait(false);
        return EventAuthorizer.Default.Check(version, pdu, authState);
    }

    private async Task<Dictionary<TypeStateKey, Pdu>> StateEventsAsync(StateMap state, RoomVersion version, IEnumerable<TypeStateKey> keys,
        CancellationToken cancellationToken)
    {
        var ids = new Dictionary<TypeStateKey, string>();
        foreach (var key in keys)
            if (state.TryGetValue((key.Type, key.StateKey), out var id)) ids[key] = id;
        var events = await loader.LoadAsync(ids.Values, version, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<TypeStateKey, Pdu>();
        foreach (var (key, id) in ids)
            if (events.TryGetValue(id, out var stored)) result[key] = stored.Pdu;
        return result;
    }

    /// <summary>Event references: ids, or in v1–v2 [id, {"sha256": reference hash}] pairs.</summary>
    private static JsonArray References(RoomVersion version, IEnumerable<Pdu> events)
    {
        var array = new JsonArray();
        foreach (var ev in events)
            array.Add(version.Rules.EventReferencesAreHashPairs
                ? new JsonArray(ev.EventId, new JsonObject { ["sha256"] = UnpaddedBase64.Encode(EventHashes.ReferenceHash(ev.Json, version)) })
                : JsonValue.Create(ev.EventId));
        return array;
    }

    /// <summary>The sender's signature (and, in v1–v2, the event id's server's) and the content hash must hold.</summary>
    private async Task RequireValidSignaturesAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        var keys = await EventKeys.ForAsync(serverKeys, identity, pdu, cancellationToken).ConfigureAwait(false);
        var (verdict, reason) = PduIntegrity.Check(pdu.Json, pdu.RoomVersion, server => keys.GetValueOrDefault(server) ?? []);
        if (verdict != PduIntegrityVerdict.Intact) throw MatrixException.InvalidParam("The event fails the signature check: " + reason);
        // A restricted join vouched for by another server must carry that server's signature already.
        if (JoinAuthorisation.RequiredSigningServer(pdu) is { } authoriser && authoriser != identity.ServerName
            && !EventSignatureVerifier.VerifyServer(pdu.Json, pdu.RoomVersion, authoriser, keys.GetValueOrDefault(authoriser) ?? []).IsValid)
            throw MatrixException.InvalidParam($"The join is not signed by {authoriser}, whose user authorises it.");
    }
}
