using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>
/// The federated join (issue #11 workload 6): this program is the resident server of a room of N of
/// its own users and serves make_join, send_join (v2) and what the homeserver asks next (event,
/// event_auth, state_ids, state, backfill, get_missing_events, send) over its TLS listener. A user of
/// the homeserver joins through the Client-Server API; measured are the time until the join returns,
/// the time until the room and its state are in that user's /sync, and the homeserver's peak RSS
/// (VmHWM, reset just before the join) beside its RSS just before the join.
/// </summary>
internal static class JoinBench
{
    public static async Task<int> RunAsync(Dictionary<string, string> options)
    {
        var remoteName = options["remote-name"];
        var serverName = options["server-name"];
        var members = int.Parse(options.GetValueOrDefault("members", "1000"));
        var version = RoomVersionRegistry.Find(options.GetValueOrDefault("room-version", "12"))
            ?? throw new ArgumentException("unknown room version");
        var serverPid = int.Parse(options["server-pid"]);
        using var key = SigningKey.Generate();
        var identity = new ServerIdentity(remoteName, key);

        var building = Stopwatch.StartNew();
        var room = new RemoteRoom(version, identity, members);
        Console.WriteLine($"built a room of {members} members, {room.Events.Count} events, in {building.Elapsed.TotalSeconds:F1} s");
        var requests = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var certificate = X509Certificate2.CreateFromPemFile(options["remote-cert"], options["remote-key"]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 64 << 20;
            k.Listen(IPAddress.Loopback, int.Parse(options["remote-port"]), l => l.UseHttps(certificate));
        });
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            var area = string.Join('/', path.Split('/').Take(5));
            requests.AddOrUpdate($"{context.Request.Method} {area}", 1, (_, n) => n + 1);
            await next(context);
        });
        MapRemote(app, room, identity);
        await app.StartAsync();

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var clientUrl = options["client-url"].TrimEnd('/');
        var token = await RegisterAsync(http, clientUrl);
        // Settle: the first sync (and JIT) before the baseline.
        await JsonAsync(http, HttpMethod.Get, $"{clientUrl}/_matrix/client/v3/sync?timeout=0", null, token);

        var baseline = ReadStatus(serverPid, "VmRSS");
        ResetPeak(serverPid);
        var watch = Stopwatch.StartNew();
        await JsonAsync(http, HttpMethod.Post,
            $"{clientUrl}/_matrix/client/v3/join/{Uri.EscapeDataString(room.RoomId)}?server_name={Uri.EscapeDataString(remoteName)}",
            new JsonObject(), token);
        var joinSeconds = watch.Elapsed.TotalSeconds;
        var stateInSync = 0;
        while (stateInSync == 0 && watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            var sync = await JsonAsync(http, HttpMethod.Get, $"{clientUrl}/_matrix/client/v3/sync?timeout=0", null, token);
            if (sync["rooms"]?["join"]?[room.RoomId] is JsonObject joined)
                stateInSync = CountMembers(joined["state"]?["events"]) + CountMembers(joined["timeline"]?["events"]);
        }
        var syncSeconds = watch.Elapsed.TotalSeconds;
        var peak = ReadStatus(serverPid, "VmHWM");
        await app.StopAsync();

        Console.WriteLine("requests the homeserver made: " + string.Join(", ", requests.OrderBy(r => r.Key).Select(r => $"{r.Key} ×{r.Value}")));
        var verifyRate = VerifyRate(key);
        Console.WriteLine($"{options.GetValueOrDefault("label", "")}: join {joinSeconds:F2} s, in /sync after {syncSeconds:F2} s with {stateInSync} members, " +
            $"RSS before {baseline / 1024.0:F0} MB, peak {peak / 1024.0:F0} MB; {verifyRate:F0} ed25519 verifies/s");
        // One line for the script: join s, join and sync s, members in sync, RSS before kB, peak kB, verifies/s.
        if (options.TryGetValue("raw", out var raw))
            await File.AppendAllTextAsync(raw, FormattableString.Invariant($"{joinSeconds:F3}\t{syncSeconds:F3}\t{stateInSync}\t{baseline}\t{peak}\t{verifyRate:F0}\n"));
        // Members the sync shows: ours plus every member of the remote room.
        return stateInSync >= members + 2 ? 0 : 1;
    }

    private static void MapRemote(WebApplication app, RemoteRoom room, ServerIdentity identity)
    {
        var remoteName = identity.ServerName;
        var key = identity.SigningKey;
        app.MapGet("/_matrix/key/v2/server", () =>
        {
            var json = new JsonObject
            {
                ["server_name"] = remoteName,
                ["valid_until_ts"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
                ["verify_keys"] = new JsonObject { [key.KeyId] = new JsonObject { ["key"] = key.PublicKeyBase64 } },
                ["old_verify_keys"] = new JsonObject(),
            };
            JsonSigner.Sign(json, remoteName, key);
            return Json(json);
        });
        app.MapGet("/_matrix/federation/v1/version", () => Json(new JsonObject { ["server"] = new JsonObject { ["name"] = "bench remote" } }));
        app.MapGet("/_matrix/federation/v1/make_join/{roomId}/{userId}", (string roomId, string userId) =>
            roomId != room.RoomId
                ? NotFound()
                : Json(new JsonObject { ["room_version"] = room.Version.Id, ["event"] = room.JoinTemplate(userId, UserServer(userId)) }));
        // The state before the join and its auth chain, encoded once: the remote's own cost is not what is measured.
        var stateBefore = room.State.Values.ToList();
        var stateJson = CanonicalJson.Encode(new JsonArray([.. stateBefore.Select(e => (JsonNode)e.Json.DeepClone())]));
        var chainJson = CanonicalJson.Encode(new JsonArray([.. room.AuthChain(stateBefore).Select(e => (JsonNode)e.Json.DeepClone())]));
        app.MapPut("/_matrix/federation/v2/send_join/{roomId}/{eventId}", async (string roomId, HttpRequest request) =>
        {
            if (roomId != room.RoomId) return NotFound();
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var join = PduParser.FromJson(body, room.Version);
            lock (room) room.Add(join);
            var answer = new MemoryStream(stateJson.Length + chainJson.Length + 4096);
            void Write(string text) => answer.Write(Encoding.UTF8.GetBytes(text));
            Write("{\"auth_chain\":");
            answer.Write(chainJson);
            Write(",\"event\":");
            answer.Write(CanonicalJson.Encode(join.Json));
            Write($",\"members_omitted\":false,\"origin\":\"{remoteName}\",\"servers_in_room\":[\"{remoteName}\"],\"state\":");
            answer.Write(stateJson);
            Write("}");
            return Results.Bytes(answer.ToArray(), "application/json");
        });
        app.MapGet("/_matrix/federation/v1/event/{eventId}", (string eventId) => room.Find(eventId) is { } ev
            ? Json(new JsonObject { ["origin"] = remoteName, ["origin_server_ts"] = Now(), ["pdus"] = new JsonArray(ev.Json.DeepClone()) })
            : NotFound());
        app.MapGet("/_matrix/federation/v1/event_auth/{roomId}/{eventId}", (string eventId) => room.Find(eventId) is { } ev
            ? Json(new JsonObject { ["auth_chain"] = new JsonArray([.. room.AuthChain([ev]).Select(e => (JsonNode)e.Json.DeepClone())]) })
            : NotFound());
        app.MapGet("/_matrix/federation/v1/state_ids/{roomId}", (HttpRequest request) =>
        {
            // The current state (the benchmark room's state only grows by the members' joins).
            var state = room.State.Values.ToList();
            return Json(new JsonObject
            {
                ["pdu_ids"] = new JsonArray([.. state.Select(e => (JsonNode)e.EventId)]),
                ["auth_chain_ids"] = new JsonArray([.. room.AuthChain(state).Select(e => (JsonNode)e.EventId)]),
            });
        });
        app.MapGet("/_matrix/federation/v1/backfill/{roomId}", (HttpRequest request) =>
        {
            var limit = int.TryParse(request.Query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 10;
            var from = request.Query["v"].Select(id => room.Find(id ?? "")).OfType<Pdu>().Select(e => room.Events.IndexOf(e)).DefaultIfEmpty(-1).Max();
            var pdus = new JsonArray();
            for (var i = from; i >= 0 && pdus.Count < limit; i--) pdus.Add(room.Events[i].Json.DeepClone());
            return Json(new JsonObject { ["origin"] = remoteName, ["origin_server_ts"] = Now(), ["pdus"] = pdus });
        });
        app.MapPost("/_matrix/federation/v1/get_missing_events/{roomId}", () => Json(new JsonObject { ["events"] = new JsonArray() }));
        app.MapPut("/_matrix/federation/v1/send/{txnId}", () => Json(new JsonObject { ["pdus"] = new JsonObject() }));
        app.MapFallback(() => Results.Json(new { errcode = "M_UNRECOGNIZED", error = "not served by the bench remote" }, statusCode: 404));
    }

    /// <summary>ed25519 verifications per second on this machine, one core (each received event needs at least one).</summary>
    private static double VerifyRate(SigningKey key)
    {
        var data = Encoding.UTF8.GetBytes(new string('x', 600));
        var signature = key.Sign(data);
        var watch = Stopwatch.StartNew();
        var count = 0;
        while (watch.ElapsedMilliseconds < 1000)
        {
            for (var i = 0; i < 100; i++) SigningKey.Verify(key.PublicKey, data, signature);
            count += 100;
        }
        return count / watch.Elapsed.TotalSeconds;
    }

    private static int CountMembers(JsonNode? events) =>
        events is JsonArray array ? array.Count(e => (string?)e?["type"] == "m.room.member") : 0;

    private static string UserServer(string userId) => userId[(userId.IndexOf(':') + 1)..];

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static IResult Json(JsonObject json) => Results.Bytes(CanonicalJson.Encode(json), "application/json");

    private static IResult NotFound() => Results.Json(new { errcode = "M_NOT_FOUND", error = "not here" }, statusCode: 404);

    /// <summary>A field of /proc/PID/status in kB.</summary>
    private static long ReadStatus(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"no {field} in /proc/{pid}/status");
    }

    /// <summary>Resets the process's peak RSS to its current RSS (clear_refs 5), so VmHWM measures what follows.</summary>
    private static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    private static async Task<JsonObject> JsonAsync(HttpClient http, HttpMethod method, string url, JsonObject? body, string? token = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode && (int)response.StatusCode != 401) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<string> RegisterAsync(HttpClient http, string clientUrl)
    {
        var request = new JsonObject { ["username"] = "joiner" + Guid.NewGuid().ToString("N")[..8], ["password"] = "bench password" };
        var challenge = await JsonAsync(http, HttpMethod.Post, $"{clientUrl}/_matrix/client/v3/register", request);
        request["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = challenge["session"]!.DeepClone() };
        return (string)(await JsonAsync(http, HttpMethod.Post, $"{clientUrl}/_matrix/client/v3/register", request))["access_token"]!;
    }
}
