using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>Homeservers for the membership federation tests: open registration, cheap hashing, no rate limits.</summary>
public static class MembershipTestHosts
{
    public static TestHost Create(string serverName, Action<TestHost>? configure = null)
    {
        var host = TestHost.With(config =>
        {
            config.ServerName = serverName;
            config.EnableRegistration = true;
            config.BcryptRounds = 4;
            var off = new RateLimitConfig { PerSecond = 0, BurstCount = 0 };
            config.RcRegistration = off;
            config.RcMessage = off;
            config.RcLogin = new LoginRateLimitConfig { Address = off, Account = off, FailedAttempts = off };
        });
        configure?.Invoke(host);
        return host;
    }

    /// <summary>A room of the given version made by <paramref name="user"/>; <paramref name="joinRule"/> overrides the public preset's.</summary>
    public static Task<string> CreateRoomAsync(this RoomUser user, string version, string? joinRule = null, JsonObject? joinRulesContent = null)
    {
        var body = new JsonObject { ["room_version"] = version, ["preset"] = "public_chat" };
        if (joinRule is not null || joinRulesContent is not null)
            body["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.join_rules",
                ["state_key"] = "",
                ["content"] = joinRulesContent ?? new JsonObject { ["join_rule"] = joinRule },
            });
        return user.CreateRoomAsync(body);
    }

    public static async Task<string?> MembershipOfAsync(this RoomUser viewer, string roomId, string userId)
    {
        var response = await viewer.SendAsync(HttpMethod.Get, $"/rooms/{RoomUser.Esc(roomId)}/state/m.room.member/{RoomUser.Esc(userId)}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonObjectAsync())["membership"]?.GetValue<string>();
    }

    /// <summary>What a joining server does with a template: add origin and timestamp (and a v1–v2 event id) and sign.</summary>
    public static (JsonObject Event, string EventId) SignTemplate(TestRemoteServer server, JsonObject template, string versionId)
    {
        var version = RoomVersionRegistry.Find(versionId)!;
        var ev = template.DeepClone().AsObject();
        ev["origin"] = server.Name;
        ev["origin_server_ts"] = 1_700_000_000_000;
        if (version.Rules.EventIdFormat == EventIdFormat.Opaque) ev["event_id"] = "$" + Guid.NewGuid().ToString("N") + ":" + server.Name;
        EventSigner.SignPdu(ev, version, server.Name, server.Key);
        return (ev, EventIds.Compute(ev, version));
    }

    public static string AllVersionsQuery => string.Join("&", RoomVersionRegistry.Stable.Select(v => "ver=" + v.Id));
}
