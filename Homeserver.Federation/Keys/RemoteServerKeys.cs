using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Federation;
using Microsoft.Extensions.Logging;
using ServerNameSyntax = Homeserver.Federation.Identifiers.ServerName;

namespace Homeserver.Federation.Keys;

/// <summary>
/// Other servers' verify keys ("Retrieving server keys"): fetched from the server itself
/// (<c>GET /_matrix/key/v2/server</c>), else through the trusted notaries (<c>POST /_matrix/key/v2/query</c>,
/// answers signed by the notary's configured keys); validated strictly, kept in memory and in the store.
/// A key counts for a timestamp up to its validity (<c>valid_until_ts</c>, capped at 7 days after the
/// fetch; <c>expired_ts</c> for old keys). A server is fetched again when a wanted key is unknown or its
/// validity ran out, at most once per <see cref="ServerKeyOptions.MinimumRefetchInterval"/>; concurrent
/// askers share one fetch. Denied keys are never returned.
/// </summary>
public sealed class RemoteServerKeys(
    IFederationClient client,
    IServerKeyStore store,
    LocalServerKeys local,
    ServerKeyOptions options,
    TimeProvider time,
    ILogger<RemoteServerKeys> logger) : IServerKeys, IDisposable
{
    public const string ServerKeyPath = "/_matrix/key/v2/server";
    public const string QueryPath = "/_matrix/key/v2/query";

    /// <summary>How many entries of a notary's answer are looked at.</summary>
    private const int MaxNotaryEntries = 16;

    private readonly ConcurrentDictionary<string, ServerEntry> _servers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<ServerEntry>>> _fetches = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetchSlots = new(Math.Max(1, options.MaxConcurrentFetches));

    public void Dispose() => _fetchSlots.Dispose();

    /// <summary>What is known of one server; replaced whole, never changed in place.</summary>
    /// <param name="ResponseJson">The last key response, with only the server's own signatures.</param>
    /// <param name="LastAttemptTs">When a fetch was last tried, for the negative cache.</param>
    private sealed record ServerEntry(IReadOnlyDictionary<string, VerifyKey> Keys, JsonObject? ResponseJson, long ResponseValidUntilTs,
        long? LastAttemptTs);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<IReadOnlyDictionary<string, VerifyKey>> GetVerifyKeysAsync(string serverName, IEnumerable<string> keyIds, long atTs,
        CancellationToken cancellationToken)
    {
        var wanted = keyIds.Where(id => id.StartsWith("ed25519:", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0 || !ServerNameSyntax.IsValid(serverName)) return new Dictionary<string, VerifyKey>();
        if (serverName == local.ServerName) return Pick(local.Keys, wanted, atTs);

        var entry = await GetEntryAsync(serverName, cancellationToken).ConfigureAwait(false);
        var found = Pick(entry.Keys, wanted, atTs);
        // A fetch in flight marks the server as tried before it answers: join it rather than take that for the negative cache.
        if (found.Count < wanted.Count && (_fetches.ContainsKey(serverName) || MayHelpToFetch(entry, wanted, atTs)))
        {
            entry = await FetchOnceAsync(serverName, cancellationToken).ConfigureAwait(false);
            found = Pick(entry.Keys, wanted, atTs);
        }
        return found;
    }

    /// <summary>
    /// The server's last key response (signed by the server only, a copy), for answering as a notary: fetched
    /// first when none is known or it expires before <paramref name="minimumValidUntilTs"/>. Null when the
    /// server never answered; an older response when it cannot be reached now.
    /// </summary>
    public async Task<JsonObject?> GetResponseAsync(string serverName, long minimumValidUntilTs, CancellationToken cancellationToken)
    {
        if (!ServerNameSyntax.IsValid(serverName) || serverName == local.ServerName) return null;
        var entry = await GetEntryAsync(serverName, cancellationToken).ConfigureAwait(false);
        if (entry.ResponseJson is null || entry.ResponseValidUntilTs < minimumValidUntilTs)
            entry = await FetchOnceAsync(serverName, cancellationToken).ConfigureAwait(false);
        return entry.ResponseJson?.DeepClone().AsObject();
    }

    private static Dictionary<string, VerifyKey> Pick(IReadOnlyDictionary<string, VerifyKey> keys, List<string> wanted, long atTs)
    {
        var found = new Dictionary<string, VerifyKey>(StringComparer.Ordinal);
        foreach (var id in wanted)
            if (keys.TryGetValue(id, out var key) && key.IsValidAt(atTs)) found[id] = key;
        return found;
    }

    /// <summary>A missing key is unknown, or its validity (and the response's) ended before the time asked about; and the negative cache allows it.</summary>
    private bool MayHelpToFetch(ServerEntry entry, List<string> wanted, long atTs) =>
        !TriedRecently(entry, Now) &&
        wanted.Any(id => !entry.Keys.TryGetValue(id, out var key) || (!key.IsValidAt(atTs) && entry.ResponseValidUntilTs < atTs));

    private bool TriedRecently(ServerEntry entry, long now) =>
        entry.LastAttemptTs is { } last && now - last < (long)options.MinimumRefetchInterval.TotalMilliseconds;

    private async Task<ServerEntry> GetEntryAsync(string serverName, CancellationToken cancellationToken)
    {
        if (_servers.TryGetValue(serverName, out var entry)) return entry;
        var loaded = await LoadAsync(serverName, cancellationToken).ConfigureAwait(false);
        if (_servers.Count >= options.MaxCachedServers) _servers.Clear();
        return _servers.GetOrAdd(serverName, loaded);
    }

    private async Task<ServerEntry> LoadAsync(string serverName, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, VerifyKey>(StringComparer.Ordinal);
        foreach (var stored in await store.GetKeysAsync(serverName, cancellationToken).ConfigureAwait(false))
        {
            if (options.DeniedKeys.Contains(stored.PublicKey)) continue;
            try
            {
                keys[stored.KeyId] = VerifyKey.FromBase64(stored.KeyId, stored.PublicKey, stored.ValidUntilTs);
            }
            catch (FormatException e)
            {
                KeysLog.StoredKeyIgnored(logger, serverName, e.Message);
            }
        }
        var response = await store.GetResponseAsync(serverName, cancellationToken).ConfigureAwait(false);
        JsonObject? json = null;
        if (response is not null)
        {
            if (CanonicalJsonReader.TryParse(Encoding.UTF8.GetBytes(response.ResponseJson), strict: false, out var node, out var error))
                json = node as JsonObject;
            else
                KeysLog.StoredKeyIgnored(logger, serverName, "stored response: " + error);
        }
        return new ServerEntry(keys, json, json is null ? long.MinValue : response!.ValidUntilTs, LastAttemptTs: null);
    }

    /// <summary>Fetches the server's keys, sharing the fetch with everyone asking at the same time.</summary>
    private Task<ServerEntry> FetchOnceAsync(string serverName, CancellationToken cancellationToken)
    {
        var fetch = _fetches.GetOrAdd(serverName, name => new Lazy<Task<ServerEntry>>(() => FetchAndForgetAsync(name)));
        return fetch.Value.WaitAsync(cancellationToken);
    }

    private async Task<ServerEntry> FetchAndForgetAsync(string serverName)
    {
        // Asynchronous from the start, so the entry is in _fetches before it is removed.
        await Task.Yield();
        try
        {
            return await FetchAsync(serverName).ConfigureAwait(false);
        }
        finally
        {
            _fetches.TryRemove(serverName, out _);
        }
    }

    /// <summary>One fetch, unless one was tried within the refetch interval (the negative cache).</summary>
    private async Task<ServerEntry> FetchAsync(string serverName)
    {
        // Shared by every asker, so no single asker's cancellation ends it; the client's timeouts bound it.
        var cancellationToken = CancellationToken.None;
        var current = await GetEntryAsync(serverName, cancellationToken).ConfigureAwait(false);
        var now = Now;
        if (TriedRecently(current, now)) return current;
        current = current with { LastAttemptTs = now };
        _servers[serverName] = current;

        ServerKeyResponse? response;
        await _fetchSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            response = await FetchDirectAsync(serverName, now, cancellationToken).ConfigureAwait(false)
                       ?? await FetchFromNotariesAsync(serverName, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _fetchSlots.Release();
        }
        // An answer older than what is known (a notary's stale cache) changes nothing.
        if (response is null || (current.ResponseJson is not null && response.ValidUntilTs < current.ResponseValidUntilTs)) return current;

        var newKeys = response.AllKeys.Where(k => !options.DeniedKeys.Contains(UnpaddedBase64.Encode(k.PublicKey))).ToList();
        var keys = new Dictionary<string, VerifyKey>(current.Keys, StringComparer.Ordinal);
        foreach (var key in newKeys) keys[key.KeyId] = key;
        var json = WithOnlyOwnSignatures(response.Json, serverName);
        await store.SaveAsync(new StoredKeyResponse(serverName, CanonicalJson.EncodeToString(json), response.ValidUntilTs, now),
            newKeys.Select(k => new StoredServerKey(k.KeyId, UnpaddedBase64.Encode(k.PublicKey), k.ValidUntilTs ?? response.ValidUntilTs)).ToList(),
            cancellationToken).ConfigureAwait(false);
        var updated = new ServerEntry(keys, json, response.ValidUntilTs, now);
        _servers[serverName] = updated;
        KeysLog.Fetched(logger, serverName, newKeys.Count, response.ValidUntilTs);
        return updated;
    }

    private async Task<ServerKeyResponse?> FetchDirectAsync(string serverName, long now, CancellationToken cancellationToken)
    {
        try
        {
            var node = await client.GetJsonAsync(serverName, ServerKeyPath, cancellationToken).ConfigureAwait(false);
            if (node is not JsonObject json)
            {
                KeysLog.DirectFetchFailed(logger, serverName, "the answer is not a JSON object");
                return null;
            }
            if (ServerKeyResponseValidator.TryValidate(json, serverName, now, out var response, out var error)) return response;
            KeysLog.DirectFetchFailed(logger, serverName, error);
        }
        catch (FederationRequestException e)
        {
            KeysLog.DirectFetchFailed(logger, serverName, e.Message);
        }
        return null;
    }

    private async Task<ServerKeyResponse?> FetchFromNotariesAsync(string serverName, long now, CancellationToken cancellationToken)
    {
        foreach (var notary in options.TrustedKeyServers)
        {
            if (notary.ServerName == serverName) continue;
            var notaryKeys = notary.VerifyKeys.Where(k => !options.DeniedKeys.Contains(UnpaddedBase64.Encode(k.PublicKey))).ToList();
            if (notaryKeys.Count == 0) continue;
            var query = new JsonObject { ["server_keys"] = new JsonObject { [serverName] = new JsonObject() } };
            JsonNode? answer;
            try
            {
                answer = await client.PostJsonAsync(notary.ServerName, QueryPath, query, cancellationToken).ConfigureAwait(false);
            }
            catch (FederationRequestException e)
            {
                KeysLog.NotaryFetchFailed(logger, notary.ServerName, serverName, e.Message);
                continue;
            }
            if (answer is not JsonObject { } answerObject || answerObject["server_keys"] is not JsonArray entries)
            {
                KeysLog.NotaryFetchFailed(logger, notary.ServerName, serverName, "the answer has no server_keys array");
                continue;
            }
            ServerKeyResponse? best = null;
            var lastError = "no entry for the server";
            foreach (var entry in entries.Take(MaxNotaryEntries))
            {
                if (entry is not JsonObject entryJson) continue;
                if (entryJson["server_name"] is not JsonValue name || !name.TryGetValue(out string? entryServer) || entryServer != serverName) continue;
                var notarySignature = JsonSignatureVerifier.Verify(entryJson, notary.ServerName, notaryKeys);
                if (!notarySignature.IsValid)
                    lastError = "notary signature: " + notarySignature.Reason;
                else if (!ServerKeyResponseValidator.TryValidate(entryJson, serverName, now, out var response, out var error))
                    lastError = error;
                else if (best is null || response.ValidUntilTs > best.ValidUntilTs)
                    best = response;
            }
            if (best is not null) return best;
            KeysLog.NotaryFetchFailed(logger, notary.ServerName, serverName, lastError);
        }
        return null;
    }

    /// <summary>A copy without the signatures of others (notaries): what this server hands on as a notary.</summary>
    private static JsonObject WithOnlyOwnSignatures(JsonObject json, string serverName)
    {
        var copy = json.DeepClone().AsObject();
        var own = copy["signatures"]?[serverName]?.DeepClone();
        copy["signatures"] = new JsonObject { [serverName] = own };
        return copy;
    }
}
