using Homeserver.Federation.Transport;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;
using Homeserver.Storage.UserData;

namespace Homeserver.Rooms;

/// <summary>
/// <c>POST /createRoom</c>: validates the whole request first (so a bad request writes nothing), then
/// sends the room's initial events in the spec's order: create, creator's join, power levels, preset
/// state (join rules, history visibility, guest access), <c>initial_state</c>, name, topic, invites.
/// </summary>
public sealed class RoomCreation(RoomEventPipeline pipeline, RoomEventSender sender, IRoomEventStore store, IProfileStore profiles, HomeserverConfig config,
    RoomDirectory directory, PublishedRoomsDirectory publishedRooms, RemoteInvites remoteInvites, ILogger<RoomCreation> logger)
{
    private sealed record StateEvent(string Type, string StateKey, JsonObject Content);

    public async Task<string> CreateAsync(string creator, JsonObject request, CancellationToken cancellationToken)
    {
        var versionId = OptionalString(request, "room_version") ?? config.DefaultRoomVersion;
        if (!RoomVersionRegistry.TryGet(versionId, out var version))
            throw new MatrixException(400, ErrorCodes.UnsupportedRoomVersion, $"Room version '{versionId}' is not supported by this server.");
        var alias = await ReadAliasAsync(request, cancellationToken);
        if (request["invite_3pid"] is JsonArray { Count: > 0 })
            throw MatrixException.InvalidParam("invite_3pid is not supported: this server has no identity server integration.");
        // visibility publishes the room in the directory and picks the default preset.
        var visibility = OptionalString(request, "visibility") ?? "private";
        if (visibility is not ("public" or "private")) throw MatrixException.InvalidParam("visibility must be 'public' or 'private'.");
        var preset = OptionalString(request, "preset") ?? (visibility == "public" ? "public_chat" : "private_chat");
        if (preset is not ("private_chat" or "trusted_private_chat" or "public_chat"))
            throw MatrixException.InvalidParam($"Unknown preset '{preset}'.");
        var isDirect = request["is_direct"] switch
        {
            null => false,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            _ => throw MatrixException.BadJson("is_direct must be a boolean."),
        };
        var invites = ReadInvites(request, creator);
        var creationContent = OptionalObject(request, "creation_content")?.DeepClone().AsObject() ?? new JsonObject();
        creationContent.Remove("creator");
        creationContent.Remove("room_version");
        var trusted = preset == "trusted_private_chat";
        if (trusted && version.Rules.CreatorsHaveInfinitePower && invites.Count > 0)
        {
            var additional = creationContent["additional_creators"] switch
            {
                null => new List<string>(),
                JsonArray a when a.All(n => n is JsonValue v && v.TryGetValue<string>(out _)) => a.Select(n => n!.GetValue<string>()).ToList(),
                _ => throw MatrixException.BadJson("creation_content.additional_creators must be an array of user IDs."),
            };
            foreach (var invitee in invites) if (!additional.Contains(invitee)) additional.Add(invitee);
            creationContent["additional_creators"] = new JsonArray([.. additional.Select(u => (JsonNode)JsonValue.Create(u))]);
        }

        var powerLevels = DefaultPowerLevels(version, creator, trusted ? invites : []);
        if (OptionalObject(request, "power_level_content_override") is { } overrides)
            foreach (var (key, value) in overrides) powerLevels[key] = value?.DeepClone();

        var initialState = ReadInitialState(request);
        var presetState = new List<StateEvent>
        {
            new("m.room.join_rules", "", new JsonObject { ["join_rule"] = preset == "public_chat" ? "public" : "invite" }),
            new("m.room.history_visibility", "", new JsonObject { ["history_visibility"] = "shared" }),
            new("m.room.guest_access", "", new JsonObject { ["guest_access"] = preset == "public_chat" ? "forbidden" : "can_join" }),
        };
        // initial_state takes precedence over the preset; name and topic over both.
        presetState.RemoveAll(p => initialState.Any(i => i.Type == p.Type && i.StateKey == p.StateKey));
        var name = OptionalString(request, "name");
        var topic = OptionalString(request, "topic");
        if (name is not null) initialState.RemoveAll(i => i.Type == "m.room.name" && i.StateKey == "");
        if (topic is not null) initialState.RemoveAll(i => i.Type == "m.room.topic" && i.StateKey == "");

        var created = await pipeline.CreateRoomAsync(version, creator, creationContent, cancellationToken);
        // v12 room ids hash the create event: the same request in the same millisecond names the same room.
        if (!created.CreateEvent.IsAccepted && created.RoomId.Length > 0 && await store.GetRoomAsync(created.RoomId, cancellationToken) is not null)
            throw new MatrixException(400, ErrorCodes.RoomInUse, "An identical room was created in the same millisecond; retry the request.");
        if (!created.CreateEvent.IsAccepted)
            throw MatrixException.BadJson("The room could not be created: " + (created.CreateEvent.Reason ?? "invalid create event."));
        var roomId = created.RoomId;

        var creatorJoin = new JsonObject { ["membership"] = "join" };
        MemberProfile.Apply(creatorJoin, await profiles.GetAsync(creator, cancellationToken));
        await SendStateAsync(roomId, creator, new("m.room.member", creator, creatorJoin), cancellationToken);
        await SendStateAsync(roomId, creator, new("m.room.power_levels", "", powerLevels), cancellationToken);
        if (alias is not null)
        {
            // Checked free above; a concurrent request may still have taken it since.
            if (!await directory.AddForNewRoomAsync(alias, roomId, creator, cancellationToken))
                throw new MatrixException(400, ErrorCodes.RoomInUse, $"Room alias {alias} was taken while the room was being created.");
            await SendStateAsync(roomId, creator, new("m.room.canonical_alias", "", new JsonObject { ["alias"] = alias }), cancellationToken);
        }
        foreach (var ev in presetState.Concat(initialState)) await SendStateAsync(roomId, creator, ev, cancellationToken);
        if (name is not null) await SendStateAsync(roomId, creator, new("m.room.name", "", new JsonObject { ["name"] = name }), cancellationToken);
        if (topic is not null) await SendStateAsync(roomId, creator, new("m.room.topic", "", new JsonObject { ["topic"] = topic }), cancellationToken);
        foreach (var invitee in invites)
        {
            var content = new JsonObject { ["membership"] = "invite" };
            if (isDirect) content["is_direct"] = true;
            if (RoomServers.ServerOf(invitee) == config.ServerName)
            {
                await SendStateAsync(roomId, creator, new("m.room.member", invitee, content), cancellationToken);
                continue;
            }
            // A user of another server is invited through their server, which must co-sign the invite. The room
            // exists by now: an invitee whose server cannot be reached is left out, and can be invited again later.
            try
            {
                await remoteInvites.InviteAsync(new LocalEventDraft(roomId, "m.room.member", invitee, creator, content), cancellationToken);
            }
            catch (Exception e) when (e is MatrixException or FederationRequestException)
            {
                RoomsLog.RemoteInviteFailed(logger, invitee, roomId, e.Message);
            }
        }
        if (visibility == "public")
            await publishedRooms.PublishAsync(roomId, publish: true, cancellationToken);
        return roomId;
    }

    /// <summary>The full alias <c>#room_alias_name:server</c>, checked valid and free before anything is created; null without one.</summary>
    private async Task<string?> ReadAliasAsync(JsonObject request, CancellationToken cancellationToken)
    {
        if (OptionalString(request, "room_alias_name") is not { } localpart) return null;
        var alias = $"#{localpart}:{config.ServerName}";
        if (localpart.Length == 0 || localpart.Contains(':') || !RoomAlias.IsValid(alias))
            throw MatrixException.InvalidParam($"room_alias_name '{localpart}' does not make a valid room alias.");
        if (await directory.ExistsAsync(alias, cancellationToken))
            throw new MatrixException(400, ErrorCodes.RoomInUse, $"Room alias {alias} already exists.");
        return alias;
    }

    /// <summary>The spec's default power levels; v12 creators have infinite power and are not listed.</summary>
    private static JsonObject DefaultPowerLevels(RoomVersion version, string creator, IReadOnlyList<string> sameAsCreator)
    {
        var users = new JsonObject();
        if (!version.Rules.CreatorsHaveInfinitePower)
        {
            users[creator] = 100;
            foreach (var user in sameAsCreator) users[user] = 100;
        }
        return new JsonObject
        {
            ["users"] = users,
            ["users_default"] = 0,
            ["events"] = new JsonObject
            {
                ["m.room.name"] = 50,
                ["m.room.power_levels"] = 100,
                ["m.room.history_visibility"] = 100,
                ["m.room.canonical_alias"] = 50,
                ["m.room.avatar"] = 50,
                // v12: tombstones must need more than state_default (only creators can upgrade).
                ["m.room.tombstone"] = version.Rules.CreatorsHaveInfinitePower ? 150 : 100,
                ["m.room.server_acl"] = 100,
                ["m.room.encryption"] = 100,
            },
            ["events_default"] = 0,
            ["state_default"] = 50,
            ["ban"] = 50,
            ["kick"] = 50,
            ["redact"] = 50,
            ["invite"] = 0,
            ["notifications"] = new JsonObject { ["room"] = 50 },
        };
    }

    private Task SendStateAsync(string roomId, string creator, StateEvent ev, CancellationToken cancellationToken) =>
        sender.SendAsync(roomId, ev.Type, ev.StateKey, creator, ev.Content, null, cancellationToken);

    private static List<string> ReadInvites(JsonObject request, string creator)
    {
        if (request["invite"] is null) return [];
        if (request["invite"] is not JsonArray array) throw MatrixException.BadJson("invite must be an array of user IDs.");
        var invites = new List<string>();
        foreach (var node in array)
        {
            if (node is not JsonValue v || !v.TryGetValue<string>(out var userId) || !UserId.IsValid(userId))
                throw MatrixException.InvalidParam("invite must contain only valid user IDs.");
            if (userId != creator && !invites.Contains(userId)) invites.Add(userId);
        }
        return invites;
    }

    private static List<StateEvent> ReadInitialState(JsonObject request)
    {
        if (request["initial_state"] is null) return [];
        if (request["initial_state"] is not JsonArray array) throw MatrixException.BadJson("initial_state must be an array.");
        var events = new List<StateEvent>();
        foreach (var node in array)
        {
            if (node is not JsonObject ev || OptionalString(ev, "type") is not { } type || ev["content"] is not JsonObject content)
                throw MatrixException.BadJson("Each initial_state entry needs a string 'type' and an object 'content'.");
            var stateKey = OptionalString(ev, "state_key") ?? "";
            RoomEventChecks.CheckTypeAndStateKey(type, stateKey);
            if (type is "m.room.create" or "m.room.member")
                throw MatrixException.InvalidParam($"initial_state cannot contain {type} events.");
            events.Add(new StateEvent(type, stateKey, content.DeepClone().AsObject()));
        }
        return events;
    }

    private static string? OptionalString(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw MatrixException.BadJson($"{name} must be a string."),
    };

    private static JsonObject? OptionalObject(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw MatrixException.BadJson($"{name} must be an object."),
    };
}
