using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// <c>POST /keys/upload</c>: the device's identity keys, one-time keys and fallback keys. Everything is checked
/// before anything is stored, so a refused upload changes nothing.
/// </summary>
public sealed class KeyUploadService(
    IDeviceKeyStore deviceKeys, IOneTimeKeyStore oneTimeKeys, IFallbackKeyStore fallbackKeys, DeviceListNotifier notifier, TimeProvider time)
{
    /// <summary>The one-time key algorithm clients use; its count is always reported, zero included, as Synapse does.</summary>
    public const string SignedCurve25519 = "signed_curve25519";

    public async Task<JsonObject> UploadAsync(string userId, string? deviceId, JsonObject body, CancellationToken cancellationToken)
    {
        if (deviceId is null)
            throw MatrixException.InvalidParam("Keys can only be uploaded with an access token of a device.");
        var newDeviceKeys = body.TryGetPropertyValue("device_keys", out var deviceKeysNode)
            ? DeviceKeysValidator.Validate(deviceKeysNode, userId, deviceId)
            : null;
        var newOneTimeKeys = body.TryGetPropertyValue("one_time_keys", out var otkNode)
            ? OneTimeKeysValidator.Validate(otkNode, "one_time_keys", userId, fallback: false)
            : [];
        var newFallbackKeys = body.TryGetPropertyValue("fallback_keys", out var fallbackNode)
            ? OneTimeKeysValidator.Validate(fallbackNode, "fallback_keys", userId, fallback: true)
            : [];

        var storeDeviceKeys = newDeviceKeys is not null && await CheckDeviceKeysChangeAsync(userId, deviceId, newDeviceKeys, cancellationToken);
        await CheckOneTimeKeyConflictsAsync(userId, deviceId, newOneTimeKeys, cancellationToken);

        try
        {
            await oneTimeKeys.AddAsync(userId, deviceId, newOneTimeKeys, cancellationToken);
        }
        catch (StorageConflictException e)
        {
            // A parallel upload stored the same key id with other content between the check and the write.
            throw MatrixException.InvalidParam(e.Message);
        }
        if (storeDeviceKeys)
        {
            await deviceKeys.SetAsync(new DeviceKeysRecord(userId, deviceId, KeyJson.Canonical(newDeviceKeys!, "device_keys")),
                time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
            await notifier.DeviceChangedAsync(userId, deviceId, cancellationToken);
        }
        foreach (var key in newFallbackKeys)
            await fallbackKeys.SetAsync(userId, deviceId, key, cancellationToken);

        return new JsonObject { ["one_time_key_counts"] = await CountsAsync(userId, deviceId, cancellationToken) };
    }

    /// <summary>The device's unclaimed one-time keys per algorithm, <c>signed_curve25519</c> always present.</summary>
    public async Task<JsonObject> CountsAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        var counts = new JsonObject { [SignedCurve25519] = 0 };
        foreach (var (algorithm, count) in await oneTimeKeys.CountAsync(userId, deviceId, cancellationToken))
            counts[algorithm] = count;
        return counts;
    }

    /// <summary>
    /// Whether the uploaded device keys must be stored: not when they equal the stored ones. The identity keys
    /// of a device never change (Synapse issue 18511; matrix-rust-sdk ignores such changes): a different
    /// <c>keys</c> map for a device that has keys is 400 <c>M_INVALID_PARAM</c>; a new device id must be used.
    /// </summary>
    private async Task<bool> CheckDeviceKeysChangeAsync(string userId, string deviceId, JsonObject uploaded, CancellationToken cancellationToken)
    {
        if (await deviceKeys.GetAsync(userId, deviceId, cancellationToken) is not { } stored)
            return true;
        var storedJson = JsonNode.Parse(stored.KeyJson)!.AsObject();
        if (KeyJson.Canonical(storedJson, "stored device keys") == KeyJson.Canonical(uploaded, "device_keys"))
            return false;
        if (KeyJson.Canonical(storedJson["keys"]!, "keys") != KeyJson.Canonical(uploaded["keys"]!, "keys"))
            throw MatrixException.InvalidParam("The identity keys of this device are already uploaded and cannot be changed; log in as a new device.");
        return true;
    }

    private async Task CheckOneTimeKeyConflictsAsync(string userId, string deviceId, IReadOnlyList<OneTimeKeyRecord> keys,
        CancellationToken cancellationToken)
    {
        foreach (var existing in await oneTimeKeys.FindAsync(userId, deviceId, keys, cancellationToken))
        {
            var uploaded = keys.First(k => k.Algorithm == existing.Algorithm && k.KeyId == existing.KeyId);
            if (uploaded.KeyJson != existing.KeyJson)
                throw MatrixException.InvalidParam(
                    $"One-time key {existing.Algorithm}:{existing.KeyId} already exists with different content.");
        }
    }
}
