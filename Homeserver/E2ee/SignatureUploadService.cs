using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// <c>POST /keys/signatures/upload</c>: signatures of the requester's own device keys (by the self-signing key),
/// of the requester's master key (by the requester's devices), and of other users' master keys (by the
/// user-signing key). Each signature is verified; a key whose signature fails is listed under <c>failures</c>
/// and nothing of it is stored.
/// </summary>
public sealed class SignatureUploadService(
    IDeviceKeyStore deviceKeys, ICrossSigningKeyStore crossSigningKeys, IKeySignatureStore signatures, DeviceListNotifier notifier,
    LocalOrRemote servers)
{
    public async Task<JsonObject> UploadAsync(string requesterId, JsonObject body, CancellationToken cancellationToken)
    {
        // The shape of the whole request is checked before anything is looked at.
        var items = new List<(string UserId, string KeyId, JsonObject Signed)>();
        foreach (var (userId, byKey) in body)
            foreach (var (keyId, signed) in KeyJson.RequireObject(byKey, $"[{userId}]"))
            {
                var obj = KeyJson.RequireObject(signed, $"[{userId}][{keyId}]");
                KeyJson.CheckSignatures(obj["signatures"], $"[{userId}][{keyId}].signatures", requiredUserId: null);
                KeyJson.Canonical(obj, $"[{userId}][{keyId}]");
                items.Add((userId, keyId, obj));
            }

        var own = await CrossSigningKeysAsync(requesterId, cancellationToken);
        var failures = new JsonObject();
        var accepted = new List<KeySignatureRecord>();
        foreach (var (userId, keyId, signed) in items)
        {
            try
            {
                accepted.AddRange(userId == requesterId
                    ? await CheckOwnAsync(requesterId, own, keyId, signed, cancellationToken)
                    : await CheckOtherAsync(requesterId, own, userId, keyId, signed, cancellationToken));
            }
            catch (MatrixException e)
            {
                var byKey = failures[userId] as JsonObject ?? (JsonObject)(failures[userId] = new JsonObject());
                byKey[keyId] = new JsonObject { ["errcode"] = e.ErrorCode, ["error"] = e.Message };
            }
        }

        if (accepted.Count > 0)
        {
            // Signatures of other users' master keys are visible to the signer only: the change is the signer's.
            await signatures.AddAsync(accepted, [requesterId], cancellationToken);
            await notifier.NotifyAsync(requesterId, cancellationToken);
            // Newly signed own keys are served with the signature: other servers hear about them as key changes.
            var ownMaster = own.GetValueOrDefault(CrossSigningKeyTypes.Master)?.KeyId["ed25519:".Length..];
            foreach (var target in accepted.Where(s => s.TargetUserId == requesterId).Select(s => s.TargetKeyId).Distinct(StringComparer.Ordinal))
            {
                if (target == ownMaster)
                    await notifier.CrossSigningChangedAsync(requesterId, cancellationToken);
                else
                    await notifier.DeviceChangedAsync(requesterId, target, cancellationToken);
            }
        }
        return new JsonObject { ["failures"] = failures };
    }

    /// <summary>The requester's master key signed by the requester's devices, or a device key signed by the self-signing key.</summary>
    private async Task<IEnumerable<KeySignatureRecord>> CheckOwnAsync(string userId, Dictionary<string, CrossSigningKeyRecord> own,
        string keyId, JsonObject signed, CancellationToken cancellationToken)
    {
        if (own.TryGetValue(CrossSigningKeyTypes.Master, out var master) && master.KeyId == "ed25519:" + keyId)
        {
            CheckSameKey(master.KeyJson, signed);
            var result = new List<KeySignatureRecord>();
            foreach (var (signerKeyId, _) in Signatures(signed, userId))
            {
                if (signerKeyId == master.KeyId || !signerKeyId.StartsWith("ed25519:", StringComparison.Ordinal))
                    continue;
                var device = await deviceKeys.GetAsync(userId, signerKeyId["ed25519:".Length..], cancellationToken)
                    ?? throw NotFound($"No device with keys signed as {signerKeyId}.");
                var devicePublicKey = JsonNode.Parse(device.KeyJson)?["keys"]?[signerKeyId]?.GetValue<string>()
                    ?? throw NotFound($"The device has no key {signerKeyId}.");
                result.Add(Verified(signed, userId, signerKeyId, devicePublicKey, userId, keyId));
            }
            return result.Count > 0 ? result : throw InvalidSignature("No signature of the master key by one of your devices.");
        }

        var deviceKeysRecord = await deviceKeys.GetAsync(userId, keyId, cancellationToken)
            ?? throw NotFound("No such device or cross-signing key.");
        CheckSameKey(deviceKeysRecord.KeyJson, signed);
        var selfSigning = own.GetValueOrDefault(CrossSigningKeyTypes.SelfSigning) ?? throw NotFound("You have no self-signing key.");
        return [Verified(signed, userId, selfSigning.KeyId, selfSigning.KeyId["ed25519:".Length..], userId, keyId)];
    }

    /// <summary>Another user's master key signed by the requester's user-signing key.</summary>
    private async Task<IEnumerable<KeySignatureRecord>> CheckOtherAsync(string requesterId, Dictionary<string, CrossSigningKeyRecord> own,
        string userId, string keyId, JsonObject signed, CancellationToken cancellationToken)
    {
        if (!servers.IsLocal(userId))
            throw NotFound("Keys of users of other servers are not known here.");
        var theirs = await CrossSigningKeysAsync(userId, cancellationToken);
        if (!theirs.TryGetValue(CrossSigningKeyTypes.Master, out var master) || master.KeyId != "ed25519:" + keyId)
            throw NotFound("No such master key.");
        CheckSameKey(master.KeyJson, signed);
        var userSigning = own.GetValueOrDefault(CrossSigningKeyTypes.UserSigning) ?? throw NotFound("You have no user-signing key.");
        return [Verified(signed, requesterId, userSigning.KeyId, userSigning.KeyId["ed25519:".Length..], userId, keyId)];
    }

    private async Task<Dictionary<string, CrossSigningKeyRecord>> CrossSigningKeysAsync(string userId, CancellationToken cancellationToken) =>
        (await crossSigningKeys.GetForUsersAsync([userId], cancellationToken)).ToDictionary(k => k.KeyType, StringComparer.Ordinal);

    private static KeySignatureRecord Verified(JsonObject signed, string signerUserId, string signerKeyId, string publicKey,
        string targetUserId, string targetKeyId)
    {
        if (signed["signatures"]?[signerUserId]?[signerKeyId] is not JsonValue signature)
            throw InvalidSignature($"No signature by {signerKeyId}.");
        if (!Ed25519Signatures.IsSignedBy(signed, signerUserId, signerKeyId, publicKey))
            throw InvalidSignature($"The signature by {signerKeyId} does not verify.");
        return new KeySignatureRecord(signerUserId, signerKeyId, targetUserId, targetKeyId, signature.GetValue<string>());
    }

    /// <summary>The signed object must be the stored key apart from its signatures.</summary>
    private static void CheckSameKey(string storedJson, JsonObject signed)
    {
        if (KeyJson.SignedPart(JsonNode.Parse(storedJson)!.AsObject()) != KeyJson.SignedPart(signed))
            throw MatrixException.InvalidParam("The signed object does not match the stored key.");
    }

    private static IEnumerable<(string KeyId, JsonNode? Signature)> Signatures(JsonObject signed, string userId) =>
        signed["signatures"]?[userId] is JsonObject byKey ? byKey.Select(e => (e.Key, e.Value)).ToList() : [];

    private static MatrixException NotFound(string message) => MatrixException.NotFound(message);

    private static MatrixException InvalidSignature(string message) => new(400, ErrorCodes.InvalidSignature, message);
}
