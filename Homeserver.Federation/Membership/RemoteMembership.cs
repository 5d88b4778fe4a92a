using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Federation;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Membership;

/// <summary>
/// Our users' membership in rooms this server does not hold, over federation: join, knock and
/// leave (rejecting an invite, retracting a knock) through a resident server's make/send
/// handshake, trying each candidate server in turn; and invites of remote users to our rooms,
/// co-signed by the invitee's server.
/// </summary>
public sealed class RemoteMembership(RoomEventPipeline pipeline, SendJoinResponseCheck joinCheck, IRemoteInviteStore invites,
    ServerIdentity identity, IServerKeys serverKeys, TimeProvider time, ILogger<RemoteMembership> logger, IFederationClient? client = null,
    IRemoteInviteListener? listener = null)
{
    /// <summary>Whether this server can talk to others at all (it has a federation client).</summary>
    public bool IsAvailable => client is not null;

    /// <summary>
    /// The servers to ask about a room: those given (via, server_name), the sender's server of a pending
    /// invite, and the server in the room id (rooms before v12), without this server and without repeats.
    /// </summary>
    public async Task<IReadOnlyList<string>> CandidateServersAsync(string roomId, string userId, IEnumerable<string> given,
        CancellationToken cancellationToken)
    {
        var servers = new List<string>();
        void Add(string? server)
        {
            if (server is not null && server != identity.ServerName && Identifiers.ServerName.TryParse(server, out _) && !servers.Contains(server))
                servers.Add(server);
        }
        foreach (var server in given) Add(server);
        if (await invites.GetAsync(roomId, userId, cancellationToken).ConfigureAwait(false) is { State: RemoteInviteRecord.Pending } invite)
            Add(UserIdSyntax.ServerOf(invite.Sender));
        var colon = roomId.IndexOf(':');
        if (colon > 0) Add(roomId[(colon + 1)..]);
        return servers;
    }

    /// <summary>Joins the room through the first candidate that completes the handshake; returns the join's event id.</summary>
    public async Task<string> JoinAsync(string roomId, string userId, IReadOnlyList<string> servers, JsonObject extraContent,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var joined = await HandshakeAsync(MembershipHandshake.Join, roomId, userId, servers, extraContent, async (server, join, answer) =>
        {
            var answered = time.GetTimestamp();
            var checkedJoin = await joinCheck.CheckAsync(answer, join, server, cancellationToken).ConfigureAwait(false);
            var checkedAt = time.GetTimestamp();
            var result = await pipeline.JoinRemoteRoomAsync(checkedJoin.Join, checkedJoin.State, checkedJoin.AuthChain, cancellationToken)
                .ConfigureAwait(false);
            if (!result.IsAccepted && result.Outcome != RoomEventOutcome.AlreadyKnown)
                throw new InvalidRemoteAnswerException(server, "the room's state does not admit our join: " + result.Reason);
            MembershipLog.RemoteJoinTimed(logger, roomId, server, checkedJoin.State.Count + checkedJoin.AuthChain.Count,
                Milliseconds(started, answered), Milliseconds(answered, checkedAt), Milliseconds(checkedAt, time.GetTimestamp()));
            return checkedJoin.Join.EventId;
        }, cancellationToken).ConfigureAwait(false);
        await invites.RemoveAsync(roomId, userId, cancellationToken).ConfigureAwait(false);
        listener?.InviteChanged(userId);
        return joined;
    }

    /// <summary>Knocks on the room through the first candidate that completes the handshake; returns the knock's event id.</summary>
    public Task<string> KnockAsync(string roomId, string userId, IReadOnlyList<string> servers, JsonObject extraContent,
        CancellationToken cancellationToken) =>
        HandshakeAsync(MembershipHandshake.Knock, roomId, userId, servers, extraContent,
            (_, knock, _) => Task.FromResult(knock.EventId), cancellationToken);

    /// <summary>Leaves a room this server does not hold (rejects an invite to it); returns the leave's event id.</summary>
    public async Task<string> LeaveAsync(string roomId, string userId, IReadOnlyList<string> servers, JsonObject extraContent,
        CancellationToken cancellationToken)
    {
        var left = await HandshakeAsync(MembershipHandshake.Leave, roomId, userId, servers, extraContent,
            (_, leave, _) => Task.FromResult(leave.EventId), cancellationToken).ConfigureAwait(false);
        if (await invites.MarkRejectedAsync(roomId, userId, cancellationToken).ConfigureAwait(false)) listener?.InviteChanged(userId);
        return left;
    }

    /// <summary>
    /// Has the invitee's server co-sign an invite built here (not yet stored): sends it with the room's
    /// stripped state and returns the event it signed, after checking that it is ours plus its signature.
    /// </summary>
    public async Task<Pdu> InviteAsync(Pdu invite, JsonArray inviteRoomState, CancellationToken cancellationToken)
    {
        var federation = RequireClient();
        var invitee = invite.StateKey ?? throw new ArgumentException("an invite has a state key", nameof(invite));
        var server = UserIdSyntax.ServerOf(invitee);
        var body = new JsonObject
        {
            ["room_version"] = invite.RoomVersion.Id,
            ["event"] = invite.Json.DeepClone(),
            ["invite_room_state"] = inviteRoomState.DeepClone(),
        };
        JsonNode? answer;
        try
        {
            answer = await federation.PutJsonAsync(server, $"/_matrix/federation/v2/invite/{Esc(invite.RoomId)}/{Esc(invite.EventId)}", body,
                cancellationToken).ConfigureAwait(false);
        }
        catch (FederationRequestException e)
        {
            throw ToClientError(e);
        }
        if (answer?["event"] is not JsonObject returned || !MembershipTemplateCheck.IsSameEventWithMoreSignatures(invite.Json, returned, identity.ServerName))
            throw Failed($"{server} did not return the invite we sent.");
        var signed = returned.DeepClone().AsObject();
        signed.Remove("unsigned");
        var pdu = PduParser.FromJson(signed, invite.RoomVersion);
        var keys = await EventKeys.ForAsync(serverKeys, identity, pdu, cancellationToken).ConfigureAwait(false);
        var theirKeys = await serverKeys.GetVerifyKeysAsync(server,
            (signed["signatures"]?[server] as JsonObject)?.Select(p => p.Key).ToList() ?? [], pdu.OriginServerTs, cancellationToken).ConfigureAwait(false);
        if (!EventSignatureVerifier.VerifyServer(pdu.Json, pdu.RoomVersion, server, theirKeys.Values.ToList()).IsValid
            || !EventSignatureVerifier.Verify(pdu.Json, pdu.RoomVersion, s => keys.GetValueOrDefault(s) ?? []).IsValid)
            throw Failed($"{server} returned the invite without a valid signature.");
        return pdu;
    }

    private async Task<T> HandshakeAsync<T>(MembershipHandshake handshake, string roomId, string userId, IReadOnlyList<string> servers,
        JsonObject extraContent, Func<string, Pdu, JsonNode?, Task<T>> complete, CancellationToken cancellationToken)
    {
        var federation = RequireClient();
        if (servers.Count == 0) throw MatrixException.NotFound("No server to ask about this room: give one with server_name or via.");
        MatrixException? failure = null;
        foreach (var server in servers)
        {
            try
            {
                var query = handshake == MembershipHandshake.Leave
                    ? ""
                    : "?" + string.Join("&", RoomVersionRegistry.Stable.Select(v => "ver=" + Esc(v.Id)));
                var template = await federation.GetJsonAsync(server, $"{handshake.MakePath}/{Esc(roomId)}/{Esc(userId)}{query}", cancellationToken)
                    .ConfigureAwait(false);
                var ev = MembershipTemplateCheck.BuildSignedEvent(template, handshake, roomId, userId, server, extraContent, identity.ServerName,
                    identity.SigningKey, time.GetUtcNow().ToUnixTimeMilliseconds());
                var answer = await federation.PutJsonAsync(server, $"{handshake.SendPath}/{Esc(roomId)}/{Esc(ev.EventId)}", ev.Json, cancellationToken)
                    .ConfigureAwait(false);
                return await complete(server, ev, answer).ConfigureAwait(false);
            }
            catch (FederationRequestException e)
            {
                MembershipLog.HandshakeFailed(logger, handshake.Membership, userId, roomId, server, e.Message);
                failure = Prefer(failure, ToClientError(e));
            }
            catch (InvalidRemoteAnswerException e)
            {
                MembershipLog.HandshakeFailed(logger, handshake.Membership, userId, roomId, server, e.Message);
                failure = Prefer(failure, Failed(e.Message));
            }
            catch (MatrixException e)
            {
                MembershipLog.HandshakeFailed(logger, handshake.Membership, userId, roomId, server, e.Message);
                failure = Prefer(failure, e);
            }
        }
        throw failure!;
    }

    /// <summary>What to tell the client when every server failed: a refusal says most, then a bad answer, then no answer.</summary>
    private static MatrixException Prefer(MatrixException? earlier, MatrixException later) =>
        earlier is not null && Rank(earlier) > Rank(later) ? earlier : later;

    private static int Rank(MatrixException e) => e.StatusCode switch
    {
        400 or 403 => 3,
        404 => 1,
        _ => 2,
    };

    private static MatrixException ToClientError(FederationRequestException e) => e.StatusCode switch
    {
        403 => MatrixException.Forbidden($"{e.Destination} refused: {e.Message}"),
        404 => MatrixException.NotFound($"{e.Destination} does not know the room."),
        null => MatrixException.NotFound($"{e.Destination} could not be reached to ask about the room."),
        400 when e.ErrorCode == ErrorCodes.IncompatibleRoomVersion =>
            new MatrixException(400, ErrorCodes.IncompatibleRoomVersion, $"{e.Destination}: the room's version is not supported."),
        400 when e.ErrorCode is { } code => new MatrixException(400, code, e.Message),
        _ => Failed(e.Message),
    };

    private static MatrixException Failed(string message) => new(502, ErrorCodes.Unknown, "Federation failed: " + message);

    private IFederationClient RequireClient() =>
        client ?? throw new MatrixException(502, ErrorCodes.Unknown, "This server has no federation client.");

    private long Milliseconds(long from, long to) => (long)time.GetElapsedTime(from, to).TotalMilliseconds;

    private static string Esc(string value) => FederationPath.Segment(value);
}
