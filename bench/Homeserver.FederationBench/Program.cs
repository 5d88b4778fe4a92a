using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.Membership;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Inbound federation throughput (issue #9): this program plays a remote homeserver. It serves its
// signing key over TLS (the homeserver fetches it through federation_address_map), joins a public
// room of the homeserver with make_join/send_join, then sends transactions of 50 signed message
// events, one transaction in flight as a real server does, and reports the PDUs per second the
// homeserver accepted, beside this machine's ed25519 verify rate measured in the same run.
//   dotnet Homeserver.FederationBench.dll --client-url URL --federation-url URL --server-name NAME
//       --remote-name NAME --remote-port PORT --remote-cert PEM --remote-key PEM
//       [--transactions 40] [--warmup-transactions 0] [--output FILE] [--label TEXT]
// --warmup-transactions W: W more transactions of the same kind sent before the clock starts (not counted), so the
// figure is the homeserver's steady state rather than its first seconds, while the JIT still recompiles hot code.
// With --mode join it is instead the resident server of a room the homeserver joins (see JoinBench):
//       --mode join --members N --server-pid PID [--room-version 12] and the options above but --transactions.
var options = Args.Parse(args);
if (options.GetValueOrDefault("mode") == "join") return await JoinBench.RunAsync(options);
var remoteName = options["remote-name"];
var serverName = options["server-name"];
var transactions = int.Parse(options.GetValueOrDefault("transactions", "40"));
var warmup = int.Parse(options.GetValueOrDefault("warmup-transactions", "0"));
using var key = SigningKey.Generate();

// 1. The remote's key server.
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var certificate = X509Certificate2.CreateFromPemFile(options["remote-cert"], options["remote-key"]);
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, int.Parse(options["remote-port"]), l => l.UseHttps(certificate)));
var keyServer = builder.Build();
keyServer.MapGet("/_matrix/key/v2/server", () =>
{
    var json = new JsonObject
    {
        ["server_name"] = remoteName,
        ["valid_until_ts"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
        ["verify_keys"] = new JsonObject { [key.KeyId] = new JsonObject { ["key"] = key.PublicKeyBase64 } },
        ["old_verify_keys"] = new JsonObject(),
    };
    JsonSigner.Sign(json, remoteName, key);
    return Results.Text(json.ToJsonString(), "application/json");
});
await keyServer.StartAsync();

// 2. A local user's public room, through the Client-Server API.
using var http = new HttpClient(new SocketsHttpHandler
{
    // The homeserver's federation certificate comes from the run's own CA: loopback only.
    SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    MaxConnectionsPerServer = 4,
}) { Timeout = TimeSpan.FromMinutes(5) };
var clientUrl = options["client-url"].TrimEnd('/');
var federationUrl = options["federation-url"].TrimEnd('/');
var token = await RegisterAsync(http, clientUrl);
var roomId = (string)(await JsonAsync(http, HttpMethod.Post, $"{clientUrl}/_matrix/client/v3/createRoom",
    new JsonObject { ["preset"] = "public_chat" }, token))["room_id"]!;

// 3. The remote user joins it.
var userId = $"@bench:{remoteName}";
var versions = string.Join("&", Enumerable.Range(1, 12).Select(v => $"ver={v}"));
var template = await FederationAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_join/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(userId)}?{versions}", null);
var join = MembershipTemplateCheck.BuildSignedEvent(template, MembershipHandshake.Join, roomId, userId, serverName, new JsonObject(), remoteName, key,
    DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
var version = join.RoomVersion;
var joined = await FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(join.EventId)}", join.Json);
var state = new Dictionary<TypeStateKey, Pdu>();
foreach (var ev in joined["state"]!.AsArray())
{
    var pdu = PduParser.FromJson(ev!.AsObject(), version);
    if (pdu.StateKey is not null) state[pdu.StateEntryKey] = pdu;
}
state[join.StateEntryKey] = join;

// 4. Transactions of 50 chained messages, built and signed before the clock starts.
var eventBuilder = new LocalEventBuilder(new ServerIdentity(remoteName, key), TimeProvider.System);
var prev = join;
var bodies = new List<JsonObject>(warmup + transactions);
for (var t = 0; t < warmup + transactions; t++)
{
    var pdus = new JsonArray();
    for (var i = 0; i < 50; i++)
    {
        var message = eventBuilder.Build(version, new LocalEventDraft(roomId, "m.room.message", null, userId,
            new JsonObject { ["msgtype"] = "m.text", ["body"] = $"federated {t}.{i}" }), [prev], state);
        pdus.Add(message.Json.DeepClone());
        prev = message;
    }
    bodies.Add(new JsonObject { ["origin"] = remoteName, ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ["pdus"] = pdus });
}
for (var t = 0; t < warmup; t++)
    await FederationAsync(HttpMethod.Put, $"/_matrix/federation/v1/send/warmup{Guid.NewGuid():N}", bodies[t]);
var watch = Stopwatch.StartNew();
var accepted = 0;
for (var t = 0; t < transactions; t++)
{
    var answer = await FederationAsync(HttpMethod.Put, $"/_matrix/federation/v1/send/bench{Guid.NewGuid():N}", bodies[warmup + t]);
    foreach (var (id, result) in answer["pdus"]!.AsObject())
        if (result is JsonObject { Count: 0 }) accepted++;
        else Console.Error.WriteLine($"{id}: {result?.ToJsonString()}");
}
var seconds = watch.Elapsed.TotalSeconds;
var pdusPerSecond = accepted / seconds;

// 5. The baseline: ed25519 verifications per second on this machine (each PDU needs at least one).
var verifyRate = VerifyRate(key);
var label = options.GetValueOrDefault("label", "");
var line = $"| {label} | {transactions} × 50 | {accepted} | {seconds:F1} s | {pdusPerSecond:F0} | {verifyRate:F0} | {pdusPerSecond / verifyRate:P1} |";
Console.WriteLine(line);
if (options.TryGetValue("output", out var output)) await File.AppendAllTextAsync(output, line + "\n");
await keyServer.StopAsync();
return accepted == transactions * 50 ? 0 : 1;

async Task<JsonObject> FederationAsync(HttpMethod method, string pathAndQuery, JsonObject? body)
{
    using var request = new HttpRequestMessage(method, federationUrl + pathAndQuery);
    request.Headers.TryAddWithoutValidation("Authorization", XMatrixAuthorization.CreateHeader(remoteName, serverName, method.Method, pathAndQuery, body, key));
    if (body is not null)
        request.Content = new ByteArrayContent(CanonicalJson.Encode(body)) { Headers = { ContentType = new("application/json") } };
    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {pathAndQuery}: {(int)response.StatusCode} {text}");
    return JsonNode.Parse(text)!.AsObject();
}

static async Task<JsonObject> JsonAsync(HttpClient http, HttpMethod method, string url, JsonObject body, string? token = null)
{
    using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    if (token is not null) request.Headers.Authorization = new("Bearer", token);
    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode && (int)response.StatusCode != 401) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {text}");
    return JsonNode.Parse(text)!.AsObject();
}

static async Task<string> RegisterAsync(HttpClient http, string clientUrl)
{
    var request = new JsonObject { ["username"] = "bench" + Guid.NewGuid().ToString("N")[..8], ["password"] = "bench password" };
    var challenge = await JsonAsync(http, HttpMethod.Post, $"{clientUrl}/_matrix/client/v3/register", request);
    request["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = challenge["session"]!.DeepClone() };
    return (string)(await JsonAsync(http, HttpMethod.Post, $"{clientUrl}/_matrix/client/v3/register", request))["access_token"]!;
}

static double VerifyRate(SigningKey key)
{
    var data = Encoding.UTF8.GetBytes(new string('x', 600));
    var signature = key.Sign(data);
    var watch = Stopwatch.StartNew();
    var count = 0;
    while (watch.ElapsedMilliseconds < 2000)
    {
        for (var i = 0; i < 100; i++) SigningKey.Verify(key.PublicKey, data, signature);
        count += 100;
    }
    return count / watch.Elapsed.TotalSeconds;
}

/// <summary>The <c>--name value</c> options.</summary>
internal static class Args
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument {args[i]}");
            options[args[i][2..]] = args[i + 1];
        }
        return options;
    }
}
