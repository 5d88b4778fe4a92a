using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// <c>POST /keys/query</c>: device keys (with <c>unsigned.device_display_name</c>) and cross-signing keys of the
/// requested users, with the uploaded signatures the requester may see merged in.
/// </summary>
public sealed class KeyQueryService(
    IDeviceKeyStore deviceKeys, ICrossSigningKeyStore crossSigningKeys, IKeySignatureStore signatures, IDeviceStore devices,
    LocalOrRemote servers)
{
    public async Task<JsonObject> QueryAsync(string requesterId, JsonObject body, CancellationToken cancellationToken)
    {
        KeyJson.CheckTimeout(body);
        var requested = KeyJson.RequireObject(body["device_keys"] ?? throw MatrixException.MissingParam("device_keys is required."), "device_keys");

        var failures = new JsonObject();
        var wanted = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
        foreach (var (userId, deviceList) in requested)
        {
            if (deviceList is not JsonArray array)
                throw MatrixException.BadJson($"device_keys[{userId}] must be an array of device ids.");
            var deviceIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var device in array)
                deviceIds.Add(KeyJson.RequireString(device, $"device_keys[{userId}][]", KeyLimits.MaxValueLength));
            if (servers.IsLocal(userId, failures))
                wanted[userId] = deviceIds.Count == 0 ? null : deviceIds;
        }

        var userIds = wanted.Keys.ToList();
        var visibleSignatures = (await signatures.GetForTargetsAsync(userIds, cancellationToken))
            .Where(s => s.SignerUserId == requesterId || s.SignerUserId == s.TargetUserId)
            .ToLookup(s => (s.TargetUserId, s.TargetKeyId));

        var deviceKeysResult = new JsonObject();
        var displayNames = new Dictionary<(string UserId, string DeviceId), string?>();
        foreach (var userId in userIds)
        {
            deviceKeysResult[userId] = new JsonObject();
            foreach (var device in await devices.ListAsync(userId, cancellationToken))
                displayNames[(userId, device.DeviceId)] = device.DisplayName;
        }
        foreach (var record in await deviceKeys.GetForUsersAsync(userIds, cancellationToken))
        {
            if (wanted[record.UserId] is { } only && !only.Contains(record.DeviceId))
                continue;
            var keys = WithSignatures(record.KeyJson, visibleSignatures[(record.UserId, record.DeviceId)]);
            keys["unsigned"] = displayNames.GetValueOrDefault((record.UserId, record.DeviceId)) is { } name
                ? new JsonObject { ["device_display_name"] = name }
                : new JsonObject();
            deviceKeysResult[record.UserId]![record.DeviceId] = keys;
        }

        var master = new JsonObject();
        var selfSigning = new JsonObject();
        var userSigning = new JsonObject();
        foreach (var key in await crossSigningKeys.GetForUsersAsync(userIds, cancellationToken))
        {
            var publicKey = key.KeyId["ed25519:".Length..];
            switch (key.KeyType)
            {
                case CrossSigningKeyTypes.Master:
                    master[key.UserId] = WithSignatures(key.KeyJson, visibleSignatures[(key.UserId, publicKey)]);
                    break;
                case CrossSigningKeyTypes.SelfSigning:
                    selfSigning[key.UserId] = JsonNode.Parse(key.KeyJson);
                    break;
                // Only its owner sees a user-signing key.
                case CrossSigningKeyTypes.UserSigning when key.UserId == requesterId:
                    userSigning[key.UserId] = JsonNode.Parse(key.KeyJson);
                    break;
            }
        }

        return new JsonObject
        {
            ["device_keys"] = deviceKeysResult,
            ["master_keys"] = master,
            ["self_signing_keys"] = selfSigning,
            ["user_signing_keys"] = userSigning,
            ["failures"] = failures,
        };
    }

    /// <summary>The stored key JSON with the uploaded signatures added under <c>signatures</c>.</summary>
    private static JsonObject WithSignatures(string keyJson, IEnumerable<KeySignatureRecord> extra)
    {
        var key = JsonNode.Parse(keyJson)!.AsObject();
        foreach (var signature in extra)
        {
            var all = key["signatures"] as JsonObject ?? (JsonObject)(key["signatures"] = new JsonObject());
            var bySigner = all[signature.SignerUserId] as JsonObject ?? (JsonObject)(all[signature.SignerUserId] = new JsonObject());
            bySigner[signature.SignerKeyId] = signature.Signature;
        }
        return key;
    }
}
