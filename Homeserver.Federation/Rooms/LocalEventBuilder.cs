using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Builds this server's new events: prev events from the room's forward extremities, auth events
/// by the auth events selection, depth, timestamp, content hash, signature and event id of the room
/// version. The result passed format validation (<see cref="PduParser.FromJson"/>); it is not yet authorised.
/// </summary>
public sealed class LocalEventBuilder(ServerIdentity identity, TimeProvider time)
{
    /// <summary>At most this many prev events: more only makes events bigger, the next events merge the rest.</summary>
    public const int MaxPrevEvents = 10;

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>The server whose events this builds (and whose users may send them).</summary>
    public string ServerName => identity.ServerName;

    /// <summary>Whether the user id names a user of this server; only their events can carry this server's signature.</summary>
    public bool IsLocalUser(string userId) => UserIdSyntax.IsValid(userId) && UserIdSyntax.ServerOf(userId) == identity.ServerName;

    /// <summary>The extremities a new event points to: the most recent by depth (ties by id, so the choice is stable).</summary>
    public static IReadOnlyList<Pdu> ChoosePrevEvents(IEnumerable<Pdu> forwardExtremities) =>
        forwardExtremities.OrderByDescending(e => e.Depth).ThenBy(e => e.EventId, StringComparer.Ordinal).Take(MaxPrevEvents).ToList();

    /// <summary>One more than the deepest prev event, kept within canonical JSON's integer range.</summary>
    public static long DepthAfter(IEnumerable<Pdu> prevEvents)
    {
        var max = prevEvents.Select(e => e.Depth).DefaultIfEmpty(0).Max();
        return max >= CanonicalJsonReader.MaxSafeInteger ? CanonicalJsonReader.MaxSafeInteger : max + 1;
    }

    /// <summary>
    /// A room's create event. The room id is <c>!</c> + the event's hash for versions that derive it
    /// (v12), otherwise a new random <c>!opaque:server</c>; read it from the result's <see cref="Pdu.RoomId"/>.
    /// </summary>
    public Pdu BuildCreate(RoomVersion version, string creator, JsonObject? extraContent = null)
    {
        var content = extraContent?.DeepClone().AsObject() ?? new JsonObject();
        content["room_version"] = version.Id;
        if (!version.Rules.CreatorIsCreateEventSender) content["creator"] = creator;
        var roomId = version.Rules.RoomIdIsCreateEventHash ? null : "!" + RandomLocalPart() + ":" + identity.ServerName;
        return BuildPdu(version, roomId, AuthStateKeys.CreateType, "", creator, content, null, [], []);
    }

    /// <summary>Builds an event on top of <paramref name="prevEvents"/> (from <see cref="ChoosePrevEvents"/>).</summary>
    /// <param name="currentState">The room's current state events, at least those <see cref="AuthEventSelection.Select(RoomVersion, string, string?, string, JsonObject)"/> names.</param>
    public Pdu Build(RoomVersion version, LocalEventDraft draft, IReadOnlyList<Pdu> prevEvents, IReadOnlyDictionary<TypeStateKey, Pdu> currentState)
    {
        var authEvents = new List<Pdu>();
        foreach (var key in AuthEventSelection.Select(version, draft.Type, draft.StateKey, draft.Sender, draft.Content))
            if (currentState.TryGetValue(key, out var authEvent))
                authEvents.Add(authEvent);
        return BuildPdu(version, draft.RoomId, draft.Type, draft.StateKey, draft.Sender, draft.Content.DeepClone().AsObject(),
            draft.Redacts, prevEvents, authEvents);
    }

    private Pdu BuildPdu(RoomVersion version, string? roomId, string type, string? stateKey, string sender, JsonObject content,
        string? redacts, IReadOnlyList<Pdu> prevEvents, IReadOnlyList<Pdu> authEvents)
    {
        var json = new JsonObject();
        if (roomId is not null) json["room_id"] = roomId;
        json["type"] = type;
        if (stateKey is not null) json["state_key"] = stateKey;
        json["sender"] = sender;
        if (redacts is not null)
        {
            if (version.Rules.RedactsInContent) content["redacts"] = redacts;
            else json["redacts"] = redacts;
        }
        json["content"] = content;
        json["prev_events"] = References(version, prevEvents);
        json["auth_events"] = References(version, authEvents);
        json["depth"] = DepthAfter(prevEvents);
        json["origin_server_ts"] = time.GetUtcNow().ToUnixTimeMilliseconds();
        // v1–v2 event ids are chosen by the sender; later versions hash the signed event.
        if (version.Rules.EventIdFormat == EventIdFormat.Opaque) json["event_id"] = "$" + RandomLocalPart() + ":" + identity.ServerName;
        EventSigner.SignPdu(json, version, identity.ServerName, identity.SigningKey);
        return PduParser.FromJson(json, version);
    }

    /// <summary>Event references: ids, or in v1–v2 [id, {"sha256": reference hash}] pairs.</summary>
    private static JsonArray References(RoomVersion version, IReadOnlyList<Pdu> events)
    {
        var array = new JsonArray();
        foreach (var ev in events)
            array.Add(version.Rules.EventReferencesAreHashPairs
                ? new JsonArray(ev.EventId, new JsonObject { ["sha256"] = UnpaddedBase64.Encode(EventHashes.ReferenceHash(ev.Json, version)) })
                : JsonValue.Create(ev.EventId));
        return array;
    }

    private static string RandomLocalPart() => RandomNumberGenerator.GetString(IdAlphabet, 18);
}
