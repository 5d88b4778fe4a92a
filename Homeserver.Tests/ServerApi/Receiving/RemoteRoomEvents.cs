using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Receiving;

/// <summary>
/// Builds events of a <see cref="TestRemoteServer"/>'s users in a room of a <see cref="TestHost"/>, the way
/// the remote server would: prev events (by default the host's forward extremities), auth events from the
/// host's current state, depth, content hash, the remote's signature and the event id of the room version.
/// </summary>
internal sealed class RemoteRoomEvents(TestHost host, TestRemoteServer remote)
{
    private long _clock = 1_767_225_600_000;

    private IRoomEventStore Store => host.Services.GetRequiredService<IRoomEventStore>();

    public string UserId(string localpart) => $"@{localpart}:{remote.Name}";

    public async Task<RoomVersion> VersionOfAsync(string roomId)
    {
        var room = await Store.GetRoomAsync(roomId, CancellationToken.None);
        return RoomVersionRegistry.Find(room!.RoomVersion)!;
    }

    /// <summary>
    /// An event of the remote server. <paramref name="prevEvents"/> defaults to the host's forward extremities;
    /// <paramref name="extraAuthEvents"/> are events not yet on the host that its auth events must include
    /// (the sender's own join sent in the same transaction, for example).
    /// </summary>
    public async Task<JsonObject> BuildAsync(string roomId, string sender, string type, string? stateKey, JsonObject content,
        IReadOnlyList<JsonObject>? prevEvents = null, IReadOnlyList<JsonObject>? extraAuthEvents = null)
    {
        var version = await VersionOfAsync(roomId);
        var prevs = prevEvents?.Select(json => PduParser.FromJson(json.DeepClone().AsObject(), version)).ToList()
                    ?? (await Store.GetEventsAsync(await Store.GetForwardExtremitiesAsync(roomId, CancellationToken.None), CancellationToken.None))
                        .Select(r => Pdu.FromJson(Parse(r.Json), version, r.EventId)).ToList();

        var state = await Store.GetCurrentStateAsync(roomId, CancellationToken.None);
        var extra = (extraAuthEvents ?? []).Select(json => PduParser.FromJson(json.DeepClone().AsObject(), version)).Where(p => p.IsState)
            .ToDictionary(p => p.StateEntryKey);
        var authIds = new List<string>();
        foreach (var key in AuthEventSelection.Select(version, type, stateKey, sender, content))
        {
            if (extra.TryGetValue(key, out var pending)) authIds.Add(pending.EventId);
            else if (state.TryGetValue((key.Type, key.StateKey), out var id)) authIds.Add(id);
        }
        var auth = await Store.GetEventsAsync(authIds, CancellationToken.None);
        var authPdus = auth.Select(r => Pdu.FromJson(Parse(r.Json), version, r.EventId))
            .Concat(extra.Values.Where(p => authIds.Contains(p.EventId))).ToList();

        var json = new JsonObject { ["room_id"] = roomId, ["type"] = type };
        if (stateKey is not null) json["state_key"] = stateKey;
        json["sender"] = sender;
        json["content"] = content;
        json["prev_events"] = References(version, prevs);
        json["auth_events"] = References(version, authPdus);
        json["depth"] = prevs.Select(p => p.Depth).DefaultIfEmpty(0).Max() + 1;
        json["origin_server_ts"] = Interlocked.Increment(ref _clock);
        if (version.Rules.EventIdFormat == EventIdFormat.Opaque) json["event_id"] = $"${Guid.NewGuid():N}:{remote.Name}";
        EventSigner.SignPdu(json, version, remote.Name, remote.Key);
        return json;
    }

    public Task<JsonObject> JoinAsync(string roomId, string userId) =>
        BuildAsync(roomId, userId, "m.room.member", userId, new JsonObject { ["membership"] = "join" });

    public Task<JsonObject> MessageAsync(string roomId, string sender, string body, IReadOnlyList<JsonObject>? prevEvents = null,
        IReadOnlyList<JsonObject>? extraAuthEvents = null) =>
        BuildAsync(roomId, sender, "m.room.message", null, new JsonObject { ["msgtype"] = "m.text", ["body"] = body }, prevEvents, extraAuthEvents);

    public static string IdOf(JsonObject pdu, RoomVersion version) => EventIds.Compute(pdu, version);

    /// <summary>A transaction body from the remote.</summary>
    public JsonObject Transaction(IEnumerable<JsonObject> pdus, IEnumerable<JsonObject>? edus = null)
    {
        var body = new JsonObject
        {
            ["origin"] = remote.Name,
            ["origin_server_ts"] = 1_767_225_600_000,
            ["pdus"] = new JsonArray([.. pdus.Select(p => p.DeepClone())]),
        };
        if (edus is not null) body["edus"] = new JsonArray([.. edus.Select(e => e.DeepClone())]);
        return body;
    }

    private static JsonObject Parse(byte[] json) => CanonicalJsonReader.ParseObject(json, strict: false);

    private static JsonArray References(RoomVersion version, IReadOnlyList<Pdu> events)
    {
        var array = new JsonArray();
        foreach (var ev in events)
            array.Add(version.Rules.EventReferencesAreHashPairs
                ? new JsonArray(ev.EventId, new JsonObject { ["sha256"] = UnpaddedBase64.Encode(EventHashes.ReferenceHash(ev.Json, version)) })
                : JsonValue.Create(ev.EventId));
        return array;
    }
}
