using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;
using Homeserver.FederationApi.Edus;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// The remote half of a client's <c>/keys/query</c> and <c>/keys/claim</c>: one request per server
/// (<c>/user/keys/query</c>, <c>/user/keys/claim</c>), all servers at once, within the client's timeout. A server
/// that fails or does not answer in time is listed under <c>failures</c>. Device lists this server keeps current
/// through <c>m.device_list_update</c> are answered from the cache without asking. Answers are untrusted: only the
/// users and devices asked for, with keys of the right user and device, are passed on.
/// </summary>
public sealed class RemoteKeys(IServiceProvider services, RemoteDeviceLists deviceLists)
{
    /// <summary>How long remote servers are waited for when the client gives no timeout (Synapse's default).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait a client may ask for.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The request's <c>timeout</c> (already checked to be a non-negative integer), bounded.</summary>
    public static TimeSpan TimeoutOf(JsonObject body) =>
        body["timeout"] is JsonValue value && value.TryGetValue<long>(out var ms)
            ? TimeSpan.FromMilliseconds(Math.Min(ms, (long)MaxTimeout.TotalMilliseconds))
            : DefaultTimeout;

    /// <summary>Adds the keys of remote users (grouped by server; null device set = all devices) to a query result.</summary>
    public async Task QueryAsync(IReadOnlyDictionary<string, Dictionary<string, HashSet<string>?>> byServer, JsonObject result,
        JsonObject failures, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (byServer.Count == 0)
            return;
        var cached = await deviceLists.GetCurrentAsync([.. byServer.Values.SelectMany(users => users.Keys)], cancellationToken);
        foreach (var list in cached)
            AddCached(result, list, byServer.Values.First(users => users.ContainsKey(list.UserId))[list.UserId]);
        var cachedUsers = cached.Select(l => l.UserId).ToHashSet(StringComparer.Ordinal);

        var asks = byServer
            .Select(entry => (Server: entry.Key, Users: entry.Value.Where(u => !cachedUsers.Contains(u.Key)).ToDictionary(StringComparer.Ordinal)))
            .Where(ask => ask.Users.Count > 0)
            .ToList();
        var answers = await AskAllAsync(asks, ask => new JsonObject
        {
            ["device_keys"] = new JsonObject(ask.Users.Select(u => KeyValuePair.Create(u.Key,
                (JsonNode?)new JsonArray([.. (u.Value ?? []).Select(d => (JsonNode)d)])))),
        }, "/_matrix/federation/v1/user/keys/query", timeout, cancellationToken);

        foreach (var ((server, users), answer) in asks.Zip(answers))
        {
            if (answer.Failure is { } failure)
            {
                failures[server] = failure;
                continue;
            }
            foreach (var (userId, devices) in users)
                AddAnswered(result, answer.Body!, userId, devices);
        }
    }

    /// <summary>Claims one-time keys of remote users (grouped by server: user → device → algorithm) into <paramref name="result"/>.</summary>
    public async Task ClaimAsync(IReadOnlyDictionary<string, Dictionary<string, Dictionary<string, string>>> byServer, JsonObject result,
        JsonObject failures, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var asks = byServer.Select(entry => (Server: entry.Key, Users: entry.Value)).ToList();
        var answers = await AskAllAsync(asks, ask => new JsonObject
        {
            ["one_time_keys"] = new JsonObject(ask.Users.Select(u => KeyValuePair.Create(u.Key,
                (JsonNode?)new JsonObject(u.Value.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value)))))),
        }, "/_matrix/federation/v1/user/keys/claim", timeout, cancellationToken);

        foreach (var ((server, users), answer) in asks.Zip(answers))
        {
            if (answer.Failure is { } failure)
            {
                failures[server] = failure;
                continue;
            }
            foreach (var (userId, devices) in users)
                foreach (var (deviceId, algorithm) in devices)
                {
                    // One key of the algorithm asked for, named algorithm:key_id.
                    if (EduJson.Path(answer.Body, "one_time_keys", userId, deviceId) is not JsonObject { Count: 1 } keys
                        || !keys.First().Key.StartsWith(algorithm + ":", StringComparison.Ordinal) || keys.First().Key.Length > KeyLimits.MaxValueLength)
                        continue;
                    var byDevice = result[userId] as JsonObject ?? (JsonObject)(result[userId] = new JsonObject());
                    byDevice[deviceId] = keys.DeepClone();
                }
        }
    }

    private sealed record Answer(JsonObject? Body, JsonObject? Failure);

    /// <summary>Sends each server its request at once and waits for all, each answer or failure in the order of <paramref name="asks"/>.</summary>
    private async Task<Answer[]> AskAllAsync<T>(IReadOnlyList<(string Server, T Users)> asks, Func<(string Server, T Users), JsonObject> body,
        string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (asks.Count == 0)
            return [];
        var client = services.GetService<IFederationClient>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        return await Task.WhenAll(asks.Select(async ask =>
        {
            if (client is null)
                return new Answer(null, Failure(503, "Federation is not available on this server."));
            try
            {
                return await client.PostJsonAsync(ask.Server, path, body(ask), deadline.Token) is JsonObject answer
                    ? new Answer(answer, null)
                    : new Answer(null, Failure(502, "The server's answer is not a JSON object."));
            }
            catch (FederationRequestException e)
            {
                return new Answer(null, Failure(e.StatusCode ?? 503, e.Message));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new Answer(null, Failure(504, "The server did not answer in time."));
            }
        }));
    }

    private static JsonObject Failure(int status, string message) => new() { ["status"] = status, ["message"] = message };

    private static void AddCached(JsonObject result, RemoteDeviceList list, HashSet<string>? devices)
    {
        var byDevice = new JsonObject();
        foreach (var device in list.Devices)
        {
            if (device.KeysJson is null || (devices is not null && !devices.Contains(device.DeviceId)))
                continue;
            var keys = JsonNode.Parse(device.KeysJson)!.AsObject();
            keys["unsigned"] = device.DisplayName is { } name ? new JsonObject { ["device_display_name"] = name } : new JsonObject();
            byDevice[device.DeviceId] = keys;
        }
        result["device_keys"]![list.UserId] = byDevice;
        if (list.MasterKeyJson is { } master)
            result["master_keys"]![list.UserId] = JsonNode.Parse(master);
        if (list.SelfSigningKeyJson is { } selfSigning)
            result["self_signing_keys"]![list.UserId] = JsonNode.Parse(selfSigning);
    }

    private static void AddAnswered(JsonObject result, JsonObject answer, string userId, HashSet<string>? devices)
    {
        var byDevice = new JsonObject();
        if (EduJson.Path(answer, "device_keys", userId) is JsonObject answered)
            foreach (var (deviceId, node) in answered)
            {
                if ((devices is null || devices.Contains(deviceId)) && RemoteKeyJson.DeviceKeys(node, userId, deviceId) is { } keys)
                    byDevice[deviceId] = keys;
            }
        result["device_keys"]![userId] = byDevice;
        if (RemoteKeyJson.CrossSigning(EduJson.Path(answer, "master_keys", userId), userId, CrossSigningKeyTypes.Master) is { } master)
            result["master_keys"]![userId] = master;
        if (RemoteKeyJson.CrossSigning(EduJson.Path(answer, "self_signing_keys", userId), userId, CrossSigningKeyTypes.SelfSigning) is { } selfSigning)
            result["self_signing_keys"]![userId] = selfSigning;
    }
}
