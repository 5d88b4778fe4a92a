using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Membership;

/// <summary>
/// Turns a resident server's <c>make_join</c>/<c>make_leave</c>/<c>make_knock</c> answer into our
/// signed event, after checking that the template is the event we asked for: room, type, sender,
/// state key and membership as requested, no content we did not ask for, a room version we support.
/// Only the template's graph position (prev_events, auth_events, depth) is taken from it.
/// </summary>
public static class MembershipTemplateCheck
{
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <param name="residentServer">The server that answered; only its users may authorise a restricted join.</param>
    /// <param name="extraContent">Content we add ourselves (display name, avatar, reason).</param>
    /// <exception cref="InvalidRemoteAnswerException">The template is not acceptable.</exception>
    /// <exception cref="MatrixException">400 <c>M_INCOMPATIBLE_ROOM_VERSION</c> for a room version this server does not support.</exception>
    public static Pdu BuildSignedEvent(JsonNode? answer, MembershipHandshake handshake, string roomId, string userId, string residentServer,
        JsonObject extraContent, string ourServer, SigningKey key, long now)
    {
        if (answer is not JsonObject response || response["event"] is not JsonObject template)
            throw new InvalidRemoteAnswerException(residentServer, "the answer holds no event template");
        // Servers from before room versions were announced mean version 1.
        var versionId = response["room_version"] is null ? "1" : StringOf(response["room_version"])
            ?? throw new InvalidRemoteAnswerException(residentServer, "room_version is not a string");
        var version = RoomVersionRegistry.Find(versionId)
            ?? throw new MatrixException(400, ErrorCodes.IncompatibleRoomVersion, $"This server does not support room version {versionId}.",
                new Dictionary<string, JsonNode?> { ["room_version"] = versionId });

        Expect(template, "room_id", roomId, residentServer);
        Expect(template, "type", AuthStateKeys.MemberType, residentServer);
        Expect(template, "state_key", userId, residentServer);
        Expect(template, "sender", userId, residentServer);
        if (template["content"] is not JsonObject templateContent)
            throw new InvalidRemoteAnswerException(residentServer, "the template has no content");
        var content = extraContent.DeepClone().AsObject();
        foreach (var (name, value) in templateContent)
        {
            if (name == "membership")
            {
                if (StringOf(value) != handshake.Membership)
                    throw new InvalidRemoteAnswerException(residentServer, $"the template's membership is not {handshake.Membership}");
            }
            else if (name == JoinAuthorisation.ContentKey && handshake == MembershipHandshake.Join && version.Rules.RestrictedJoinsAllowed)
            {
                // The authorising user's server must sign the join, so it can only be the server we asked.
                if (StringOf(value) is not { } authoriser || !UserIdSyntax.IsValid(authoriser) || UserIdSyntax.ServerOf(authoriser) != residentServer)
                    throw new InvalidRemoteAnswerException(residentServer, $"{JoinAuthorisation.ContentKey} is not a user of {residentServer}");
                content[name] = authoriser;
            }
            else
            {
                throw new InvalidRemoteAnswerException(residentServer, $"the template's content has an unexpected field {name}");
            }
        }
        if (StringOf(templateContent["membership"]) is null)
            throw new InvalidRemoteAnswerException(residentServer, $"the template's membership is not {handshake.Membership}");
        content["membership"] = handshake.Membership;

        var ev = new JsonObject
        {
            ["room_id"] = roomId,
            ["type"] = AuthStateKeys.MemberType,
            ["state_key"] = userId,
            ["sender"] = userId,
            ["content"] = content,
            ["prev_events"] = template["prev_events"]?.DeepClone(),
            ["auth_events"] = template["auth_events"]?.DeepClone(),
            ["depth"] = template["depth"]?.DeepClone(),
            ["origin"] = ourServer,
            ["origin_server_ts"] = now,
        };
        if (version.Rules.EventIdFormat == EventIdFormat.Opaque)
            ev["event_id"] = "$" + RandomNumberGenerator.GetString(IdAlphabet, 18) + ":" + ourServer;
        EventSigner.SignPdu(ev, version, ourServer, key);
        try
        {
            return PduParser.FromJson(ev, version);
        }
        catch (PduFormatException e)
        {
            throw new InvalidRemoteAnswerException(residentServer, "the template does not make a valid event: " + e.Message);
        }
    }

    /// <summary>
    /// Whether <paramref name="returned"/> is <paramref name="sent"/> with signatures added only: the
    /// same fields (unsigned aside) and our signatures unchanged.
    /// </summary>
    public static bool IsSameEventWithMoreSignatures(JsonObject sent, JsonObject returned, string ourServer)
    {
        if (!CanonicalJson.EncodeWithout(sent, "signatures", "unsigned").AsSpan()
                .SequenceEqual(CanonicalJson.EncodeWithout(returned, "signatures", "unsigned")))
            return false;
        var ours = sent["signatures"]?[ourServer];
        var theirs = returned["signatures"]?[ourServer];
        return ours is not null && theirs is not null && CanonicalJson.Encode(ours).AsSpan().SequenceEqual(CanonicalJson.Encode(theirs));
    }

    private static void Expect(JsonObject template, string field, string expected, string residentServer)
    {
        if (StringOf(template[field]) != expected)
            throw new InvalidRemoteAnswerException(residentServer, $"the template's {field} is not {expected}");
    }

    private static string? StringOf(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
