using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;
using Homeserver.Storage.PublishedRooms;
using Homeserver.Storage.RoomAliases;
using Homeserver.Storage.UserData;

namespace Homeserver.Rooms;

/// <summary>
/// <c>POST /rooms/{roomId}/upgrade</c>, in the order of the spec's server behaviour: check the user may send
/// <c>m.room.tombstone</c>, create the replacement room (create event with <c>predecessor</c> and the old room's
/// <c>type</c>), transfer the recommended state and the bans, move the local aliases, tombstone the old room, then
/// move the canonical alias and restrict the old room's power levels. Everything that can fail for a client's
/// reason is checked before anything is written; the old room changes only once the new one is complete.
/// </summary>
public sealed class RoomUpgrade(RoomEventPipeline pipeline, RoomEventSender sender, RoomStateReader reader, IRoomTimelineStore timeline,
    IRoomAliasStore aliases, IProfileStore profiles, IPublishedRoomStore publishedRooms, TimeProvider time)
{
    /// <summary>The spec's recommended state to transfer, sent in this order after the power levels.</summary>
    private static readonly string[] TransferredTypes =
    [
        "m.room.join_rules", "m.room.history_visibility", "m.room.guest_access", "m.room.name", "m.room.topic", "m.room.avatar",
        "m.room.encryption", "m.room.server_acl",
    ];

    // Upgrades are rare; one at a time keeps two concurrent requests from replacing a room twice.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<string> UpgradeAsync(string userId, string roomId, JsonObject request, CancellationToken cancellationToken)
    {
        var versionId = request["new_version"] switch
        {
            null => throw MatrixException.MissingParam("new_version is required."),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw MatrixException.BadJson("new_version must be a string."),
        };
        if (!RoomVersionRegistry.TryGet(versionId, out var newVersion))
            throw new MatrixException(400, ErrorCodes.UnsupportedRoomVersion, $"Room version '{versionId}' is not supported by this server.");
        // Versions without additional creators ignore the field, as the spec says.
        var additionalCreators = newVersion.Rules.CreatorsHaveInfinitePower ? ReadAdditionalCreators(request, userId) : [];

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await UpgradeLockedAsync(userId, roomId, newVersion, additionalCreators, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> UpgradeLockedAsync(string userId, string roomId, RoomVersion newVersion, IReadOnlyList<string> additionalCreators,
        CancellationToken cancellationToken)
    {
        var (_, oldVersion) = await reader.RequireRoomAsync(roomId, cancellationToken);
        var state = await reader.LoadAsync(await reader.Store.GetCurrentStateAsync(roomId, cancellationToken), cancellationToken);
        var create = ToPdu(state.GetValueOrDefault(("m.room.create", "")), oldVersion)
            ?? throw MatrixException.NotFound("The room has no create event here.");
        var oldPowerLevels = state.GetValueOrDefault(("m.room.power_levels", "")) is { } plEvent ? RoomStateReader.ContentOf(plEvent) : null;

        // 1. The user must be joined and able to send m.room.tombstone.
        if (RoomStateReader.MembershipOf(ContentAt(state, "m.room.member", userId)) != "join")
            throw MatrixException.Forbidden("You are not a member of this room.");
        var oldCreators = RoomCreators.Of(create);
        var power = oldPowerLevels is null ? PowerLevels.Absent : PowerLevels.Parse(oldPowerLevels, oldVersion.Rules);
        if (power.UserLevel(userId, oldCreators) < power.RequiredLevel("m.room.tombstone", isState: true))
            throw MatrixException.Forbidden("You do not have the power to send m.room.tombstone, so you cannot upgrade this room.");

        // 2. The replacement room, with the predecessor's last event and its type.
        var createContent = new JsonObject
        {
            ["predecessor"] = new JsonObject { ["room_id"] = roomId },
        };
        if (await timeline.GetLastEventIdAtAsync(roomId, long.MaxValue, cancellationToken) is { } lastEventId)
            createContent["predecessor"]!["event_id"] = lastEventId;
        if (create.Content["type"] is JsonValue roomType && roomType.TryGetValue<string>(out _)) createContent["type"] = roomType.DeepClone();
        if (create.Content["m.federate"] is JsonValue federate && federate.TryGetValue<bool>(out _)) createContent["m.federate"] = federate.DeepClone();
        if (additionalCreators.Count > 0)
            createContent["additional_creators"] = new JsonArray([.. additionalCreators.Select(u => (JsonNode)JsonValue.Create(u))]);

        // From here on the request's cancellation is ignored: a client that goes away must not leave a half-made upgrade.
        cancellationToken = CancellationToken.None;
        var created = await pipeline.CreateRoomAsync(newVersion, userId, createContent, cancellationToken);
        if (!created.CreateEvent.IsAccepted)
            throw new MatrixException(400, ErrorCodes.RoomInUse, "The replacement room could not be created: " + (created.CreateEvent.Reason ?? "retry the request."));
        var newRoomId = created.RoomId;
        var newCreators = newVersion.Rules.CreatorsHaveInfinitePower ? [userId, .. additionalCreators] : Array.Empty<string>();

        var join = new JsonObject { ["membership"] = "join" };
        MemberProfile.Apply(join, await profiles.GetAsync(userId, cancellationToken));
        await SendAsync(newRoomId, "m.room.member", userId, userId, join, cancellationToken);

        // 3. Power levels and the transferable state. Where the user's own level is too low to send it all, they hold
        // the level needed until it is sent, then get their copied level back (creators of the new version need no such step).
        var transferred = TransferredTypes
            .Where(t => state.ContainsKey((t, "")) && IsTransferable(t, RoomStateReader.ContentOf(state[(t, "")]), newVersion))
            .ToList();
        var bans = state.Where(e => e.Key.Type == "m.room.member" && !newCreators.Contains(e.Key.StateKey)
                && RoomStateReader.MembershipOf(RoomStateReader.ContentOf(e.Value)) == "ban")
            .Select(e => e.Key.StateKey).Order(StringComparer.Ordinal).ToList();
        var powerLevels = NewPowerLevels(oldPowerLevels, oldVersion, newVersion, oldCreators, newCreators, userId);
        var levels = PowerLevels.Parse(powerLevels, newVersion.Rules);
        var ownLevel = newVersion.Rules.CreatorsHaveInfinitePower ? PowerLevels.Infinite : levels.UserLevel(userId, RoomCreators.None);
        var canonical = ContentAt(state, "m.room.canonical_alias", "") is { Count: > 0 } content ? content : null;
        var needed = transferred.Append("m.room.power_levels").Concat(canonical is null ? [] : ["m.room.canonical_alias"])
            .Select(t => levels.RequiredLevel(t, isState: true)).Append(bans.Count > 0 ? levels.Ban : 0).Max();
        if (ownLevel < needed)
        {
            var raised = powerLevels.DeepClone().AsObject();
            raised["users"]![userId] = needed;
            await SendAsync(newRoomId, "m.room.power_levels", "", userId, raised, cancellationToken);
        }
        else
        {
            await SendAsync(newRoomId, "m.room.power_levels", "", userId, powerLevels, cancellationToken);
        }
        foreach (var type in transferred)
            await SendAsync(newRoomId, type, "", userId, RoomStateReader.ContentOf(state[(type, "")]), cancellationToken);
        foreach (var banned in bans)
        {
            var ban = new JsonObject { ["membership"] = "ban" };
            if (RoomStateReader.StringField(ContentAt(state, "m.room.member", banned), "reason") is { } reason) ban["reason"] = reason;
            await SendAsync(newRoomId, "m.room.member", banned, userId, ban, cancellationToken);
        }

        // 4. Local aliases, 5. the tombstone: if the tombstone fails (the old room changed since the check), the aliases go back.
        await aliases.MoveAllAsync(roomId, newRoomId, cancellationToken);
        try
        {
            await SendAsync(roomId, "m.room.tombstone", "", userId,
                new JsonObject { ["body"] = "This room has been replaced", ["replacement_room"] = newRoomId }, cancellationToken);
        }
        catch (MatrixException)
        {
            await aliases.MoveAllAsync(newRoomId, roomId, CancellationToken.None);
            throw;
        }

        // The canonical alias follows the aliases; the old room drops it (if the user may change it there).
        if (canonical is not null)
        {
            await SendAsync(newRoomId, "m.room.canonical_alias", "", userId, canonical, cancellationToken);
            await TrySendAsync(roomId, "m.room.canonical_alias", userId, new JsonObject(), cancellationToken);
        }
        if (ownLevel < needed)
            await SendAsync(newRoomId, "m.room.power_levels", "", userId, powerLevels, cancellationToken);

        // A published room stays findable: the directory lists the replacement instead (as Synapse does).
        if (await publishedRooms.IsPublishedAsync(roomId, cancellationToken))
        {
            await publishedRooms.PublishAsync(newRoomId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
            await publishedRooms.UnpublishAsync(roomId, cancellationToken);
        }

        // 6. Stop ordinary users from talking or inviting in the old room, if the user may change its power levels.
        if (oldPowerLevels is not null && Restricted(oldPowerLevels, power) is { } restricted)
            await TrySendAsync(roomId, "m.room.power_levels", userId, restricted, cancellationToken);
        return newRoomId;
    }

    /// <summary>
    /// The old room's power levels for the new version: values rewritten as integers (v10+ refuses strings), the new
    /// version's creators left out of <c>users</c> (they have infinite power), and, when the old version's creators had
    /// infinite power and the new one's do not, those creators given the highest level the room uses (at least 100).
    /// </summary>
    private static JsonObject NewPowerLevels(JsonObject? old, RoomVersion oldVersion, RoomVersion newVersion, RoomCreators oldCreators,
        IReadOnlyList<string> newCreators, string userId)
    {
        var content = old?.DeepClone().AsObject() ?? new JsonObject();
        var parsed = old is null ? PowerLevels.Absent : PowerLevels.Parse(old, oldVersion.Rules);
        foreach (var key in PowerLevels.TopLevelKeys)
        {
            if (parsed.Explicit(key) is { } level) content[key] = level;
            else content.Remove(key);
        }
        content["events"] = ToObject(parsed.Events);
        content["notifications"] = ToObject(parsed.Notifications);
        var users = ToObject(parsed.Users);
        if (old is null && !newVersion.Rules.CreatorsHaveInfinitePower) users[userId] = 100;
        if (oldCreators.HaveInfinitePower && !newVersion.Rules.CreatorsHaveInfinitePower)
        {
            var top = Math.Max(100, parsed.Users.Values.DefaultIfEmpty(0).Max());
            foreach (var creator in oldCreators.UserIds) users[creator] = top;
        }
        foreach (var creator in newCreators) users.Remove(creator);
        content["users"] = users;
        return content;
    }

    /// <summary>The old room's power levels with <c>events_default</c> and <c>invite</c> raised to max(50, users_default + 1); null when already there.</summary>
    private static JsonObject? Restricted(JsonObject old, PowerLevels power)
    {
        var level = Math.Max(50, power.UsersDefault + 1);
        if (power.EventsDefault >= level && power.Invite >= level) return null;
        var content = old.DeepClone().AsObject();
        if (power.EventsDefault < level) content["events_default"] = level;
        if (power.Invite < level) content["invite"] = level;
        return content;
    }

    /// <summary>Join rules the new version does not know are left behind (the new room is then invite-only).</summary>
    private static bool IsTransferable(string type, JsonObject content, RoomVersion version) =>
        type != "m.room.join_rules" || RoomStateReader.StringField(content, "join_rule") switch
        {
            "public" or "invite" or "private" => true,
            "knock" => version.Rules.KnockingAllowed,
            "restricted" => version.Rules.RestrictedJoinsAllowed,
            "knock_restricted" => version.Rules.KnockRestrictedAllowed,
            _ => false,
        };

    private static List<string> ReadAdditionalCreators(JsonObject request, string userId)
    {
        if (request["additional_creators"] is null) return [];
        if (request["additional_creators"] is not JsonArray array)
            throw MatrixException.BadJson("additional_creators must be an array of user IDs.");
        var creators = new List<string>();
        foreach (var node in array)
        {
            if (node is not JsonValue v || !v.TryGetValue<string>(out var id) || !UserId.IsValid(id))
                throw MatrixException.InvalidParam("additional_creators must contain only valid user IDs.");
            if (id != userId && !creators.Contains(id)) creators.Add(id);
        }
        return creators;
    }

    private Task<string> SendAsync(string roomId, string type, string stateKey, string userId, JsonObject content, CancellationToken cancellationToken) =>
        sender.SendAsync(roomId, type, stateKey, userId, content, null, cancellationToken);

    /// <summary>A change to the old room that the user may lack the power for: the upgrade stands without it.</summary>
    private async Task TrySendAsync(string roomId, string type, string userId, JsonObject content, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(roomId, type, "", userId, content, cancellationToken);
        }
        catch (MatrixException e) when (e.ErrorCode == ErrorCodes.Forbidden)
        {
            // The auth rules refused it; the old room keeps this state.
        }
    }

    private static JsonObject? ContentAt(Dictionary<(string Type, string StateKey), EventRecord> state, string type, string stateKey) =>
        state.TryGetValue((type, stateKey), out var ev) ? RoomStateReader.ContentOf(ev) : null;

    private static Pdu? ToPdu(EventRecord? ev, RoomVersion version) =>
        ev is null ? null : Pdu.FromJson(JsonNode.Parse(ev.Json)!.AsObject(), version, ev.EventId);

    private static JsonObject ToObject(IReadOnlyDictionary<string, long> map)
    {
        var json = new JsonObject();
        foreach (var (key, value) in map.OrderBy(e => e.Key, StringComparer.Ordinal)) json[key] = value;
        return json;
    }
}
