using System.Text.Json.Nodes;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// The keys of local users as served to a client's <c>/keys/query</c> and to other servers: device keys (with
/// <c>unsigned.device_display_name</c>) and cross-signing keys, with the uploaded signatures the requester may see
/// merged in (a requester of another server, given as null, sees the users' own signatures only).
/// </summary>
public sealed class LocalKeys(IDeviceKeyStore deviceKeys, ICrossSigningKeyStore crossSigningKeys, IKeySignatureStore signatures, IDeviceStore devices)
{
    /// <summary>
    /// <c>device_keys</c>, <c>master_keys</c>, <c>self_signing_keys</c> and <c>user_signing_keys</c> (the requester's own
    /// only) of the wanted users; a null device set means all of the user's devices.
    /// </summary>
    public async Task<JsonObject> QueryAsync(string? requesterId, IReadOnlyDictionary<string, HashSet<string>?> wanted,
        CancellationToken cancellationToken)
    {
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
