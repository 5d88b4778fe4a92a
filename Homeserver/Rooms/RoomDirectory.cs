using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.FederationQueries;
using Homeserver.Storage.RoomAliases;

namespace Homeserver.Rooms;

/// <summary>
/// Local room aliases (the "Room aliases" part of the room directory): create, resolve, delete and list.
/// Only aliases of this server are held; remote aliases are resolved by asking their server (<see cref="RemoteRoomAliases"/>).
/// </summary>
public sealed class RoomDirectory(IRoomAliasStore aliases, RoomStateReader reader, HistoryVisibility visibility, ServerIdentity identity,
    RoomServers roomServers, RemoteRoomAliases remoteAliases)
{
    /// <summary>Maps a new local alias to a room the user is joined to; 409 <c>M_UNKNOWN</c> when it is taken.</summary>
    public async Task CreateAsync(string userId, string roomAlias, string roomId, CancellationToken cancellationToken)
    {
        RequireLocal(roomAlias);
        if (!RoomId.IsValid(roomId)) throw MatrixException.InvalidParam($"'{roomId}' is not a valid room ID.");
        await reader.RequireRoomAsync(roomId, cancellationToken);
        if (await reader.GetMembershipAsync(roomId, userId, cancellationToken) != "join")
            throw MatrixException.Forbidden("You must be joined to the room to give it an alias.");
        if (!await aliases.AddAsync(roomAlias, roomId, userId, cancellationToken))
            throw new MatrixException(409, ErrorCodes.Unknown, $"Room alias {roomAlias} already exists.");
    }

    /// <summary>The room an alias names; 404 for unknown aliases (see <see cref="ResolveWithServersAsync"/>).</summary>
    public async Task<string> ResolveAsync(string roomAlias, CancellationToken cancellationToken) =>
        (await ResolveWithServersAsync(roomAlias, cancellationToken)).RoomId;

    /// <summary>
    /// The room an alias names and servers to join it through: for a local alias, the servers with members in the
    /// room (this one first); a remote alias is asked of its server (404 when unknown there, 502 when it cannot answer).
    /// </summary>
    public async Task<ResolvedRoomAlias> ResolveWithServersAsync(string roomAlias, CancellationToken cancellationToken)
    {
        var alias = Parse(roomAlias);
        if (alias.Server.ToString() != identity.ServerName)
            return await remoteAliases.ResolveAsync(alias, cancellationToken);
        var record = await aliases.GetAsync(roomAlias, cancellationToken)
            ?? throw MatrixException.NotFound($"Room alias {roomAlias} not found.");
        var servers = (await roomServers.GetJoinedServersAsync(record.RoomId, cancellationToken)).Where(s => s != identity.ServerName).ToList();
        servers.Insert(0, identity.ServerName);
        return new ResolvedRoomAlias(record.RoomId, servers);
    }

    /// <summary>Removes an alias: its creator, or a user who may send <c>m.room.canonical_alias</c> in the room, may.</summary>
    public async Task DeleteAsync(string userId, string roomAlias, CancellationToken cancellationToken)
    {
        Parse(roomAlias);
        var record = await aliases.GetAsync(roomAlias, cancellationToken)
            ?? throw MatrixException.NotFound($"Room alias {roomAlias} not found.");
        if (record.Creator != userId && !await MayChangeCanonicalAliasAsync(userId, record.RoomId, cancellationToken))
            throw MatrixException.Forbidden("Only the alias's creator or a user with power to change the room's canonical alias may delete it.");
        await aliases.DeleteAsync(roomAlias, cancellationToken);
    }

    /// <summary>The room's local aliases, for its members or anyone when the room is world-readable.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string userId, string roomId, CancellationToken cancellationToken)
    {
        await reader.RequireRoomAsync(roomId, cancellationToken);
        if (await reader.GetMembershipAsync(roomId, userId, cancellationToken) != "join"
            && !await visibility.IsWorldReadableNowAsync(roomId, cancellationToken))
            throw MatrixException.Forbidden("You are not a member of this room.");
        return await aliases.ListForRoomAsync(roomId, cancellationToken);
    }

    /// <summary>Whether the local alias is already mapped (createRoom checks before creating anything).</summary>
    public async Task<bool> ExistsAsync(string roomAlias, CancellationToken cancellationToken) =>
        await aliases.GetAsync(roomAlias, cancellationToken) is not null;

    /// <summary>Maps an alias without the membership check: createRoom, whose creator has just joined.</summary>
    public Task<bool> AddForNewRoomAsync(string roomAlias, string roomId, string creator, CancellationToken cancellationToken) =>
        aliases.AddAsync(roomAlias, roomId, creator, cancellationToken);

    /// <summary>
    /// The checks the spec asks of a client's <c>m.room.canonical_alias</c>: every alias and alt alias must be valid
    /// (400 <c>M_INVALID_PARAM</c>), and every local one must point to the room (400 <c>M_BAD_ALIAS</c>).
    /// Remote aliases cannot be resolved without federation, so they are not checked.
    /// </summary>
    public async Task CheckCanonicalAliasAsync(string roomId, JsonObject content, CancellationToken cancellationToken)
    {
        var all = new List<string>();
        if (content["alias"] is { } alias) all.Add(AliasText(alias, "alias"));
        if (content["alt_aliases"] is { } alternatives)
        {
            if (alternatives is not JsonArray array) throw MatrixException.InvalidParam("alt_aliases must be an array of room aliases.");
            all.AddRange(array.Select(node => AliasText(node, "alt_aliases")));
        }
        foreach (var text in all)
        {
            if (Parse(text).Server.ToString() != identity.ServerName) continue;
            if ((await aliases.GetAsync(text, cancellationToken))?.RoomId != roomId)
                throw new MatrixException(400, ErrorCodes.BadAlias, $"The alias '{text}' does not point to this room.");
        }
    }

    private static string AliasText(JsonNode? node, string field) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) && RoomAlias.IsValid(text)
            ? text
            : throw MatrixException.InvalidParam($"{field} must contain only valid room aliases.");

    /// <summary>400 <c>M_INVALID_PARAM</c> unless the text is a valid alias of this server.</summary>
    public void RequireLocal(string roomAlias)
    {
        if (Parse(roomAlias).Server.ToString() != identity.ServerName)
            throw MatrixException.InvalidParam($"Room alias {roomAlias} does not belong to this server ({identity.ServerName}).");
    }

    private static RoomAlias Parse(string roomAlias) =>
        RoomAlias.TryParse(roomAlias, out var alias) ? alias : throw MatrixException.InvalidParam($"'{roomAlias}' is not a valid room alias.");

    /// <summary>Whether the user's power level lets them send <c>m.room.canonical_alias</c>: the right to change how the room is found.</summary>
    public async Task<bool> MayChangeCanonicalAliasAsync(string userId, string roomId, CancellationToken cancellationToken)
    {
        var (_, version) = await reader.RequireRoomAsync(roomId, cancellationToken);
        var create = await LoadPduAsync(roomId, "m.room.create", version, cancellationToken);
        var power = PowerLevels.Of(await LoadPduAsync(roomId, "m.room.power_levels", version, cancellationToken));
        var creators = create is null ? RoomCreators.None : RoomCreators.Of(create);
        return power.UserLevel(userId, creators) >= power.RequiredLevel("m.room.canonical_alias", isState: true);
    }

    private async Task<Pdu?> LoadPduAsync(string roomId, string type, RoomVersion version, CancellationToken cancellationToken) =>
        await reader.Store.GetCurrentStateEventIdAsync(roomId, type, "", cancellationToken) is { } id
            && await reader.Store.GetEventAsync(id, cancellationToken) is { } ev
            ? Pdu.FromJson(JsonNode.Parse(ev.Json)!.AsObject(), version, ev.EventId)
            : null;
}
