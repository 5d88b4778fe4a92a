using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// <c>POST /keys/device_signing/upload</c>: checks a user's master, self-signing and user-signing keys (the
/// latter two signed by the master key) before the endpoint authenticates and stores them.
/// </summary>
public sealed class CrossSigningService(ICrossSigningKeyStore crossSigningKeys, IDeviceStore devices, DeviceListNotifier notifier)
{
    /// <summary>Checks the upload; nothing is stored.</summary>
    public async Task<CrossSigningUpload> PrepareAsync(string userId, JsonObject body, CancellationToken cancellationToken)
    {
        var uploaded = new List<CrossSigningKey>();
        foreach (var (member, type) in Members)
            if (KeyJson.OptionalObject(body, member) is { } node)
                uploaded.Add(CrossSigningKey.Parse(node, member, type, userId));

        var stored = (await crossSigningKeys.GetForUsersAsync([userId], cancellationToken)).ToDictionary(k => k.KeyType, StringComparer.Ordinal);
        var masterKey = uploaded.FirstOrDefault(k => k.Type == CrossSigningKeyTypes.Master)?.PublicKey
            ?? (stored.TryGetValue(CrossSigningKeyTypes.Master, out var storedMaster) ? storedMaster.KeyId["ed25519:".Length..] : null);
        foreach (var key in uploaded.Where(k => k.Type != CrossSigningKeyTypes.Master))
        {
            if (masterKey is null)
                throw MatrixException.MissingParam("No master key is available to check the signature of " + key.Type + " key.");
            if (!Ed25519Signatures.IsSignedBy(key.Json, userId, masterKey))
                throw new MatrixException(400, ErrorCodes.InvalidSignature, $"The {key.Type} key is not correctly signed by the master key.");
        }
        foreach (var key in uploaded)
        {
            // Device ids and cross-signing public keys share one namespace for verification (spec).
            if (await devices.FindAsync(userId, key.PublicKey, cancellationToken) is not null)
                throw MatrixException.Forbidden($"The public key of the {key.Type} key is the id of one of your devices.");
        }

        var changed = uploaded
            .Where(k => !stored.TryGetValue(k.Type, out var existing) || existing.KeyJson != k.Canonical)
            .Select(k => new CrossSigningKeyRecord(userId, k.Type, k.KeyId, k.Canonical))
            .ToList();
        return new CrossSigningUpload(userId, changed, RequiresAuthentication: stored.ContainsKey(CrossSigningKeyTypes.Master) && changed.Count > 0);
    }

    public async Task StoreAsync(CrossSigningUpload upload, CancellationToken cancellationToken)
    {
        if (upload.IsEmpty)
            return;
        await crossSigningKeys.SetAsync(upload.UserId, upload.ChangedKeys, cancellationToken);
        // The user-signing key is private to its owner: only master and self-signing changes concern other servers.
        if (upload.ChangedKeys.Any(k => k.KeyType != CrossSigningKeyTypes.UserSigning))
            await notifier.CrossSigningChangedAsync(upload.UserId, cancellationToken);
        else
            await notifier.NotifyAsync(upload.UserId, cancellationToken);
    }

    private static readonly (string Member, string Type)[] Members =
    [
        ("master_key", CrossSigningKeyTypes.Master),
        ("self_signing_key", CrossSigningKeyTypes.SelfSigning),
        ("user_signing_key", CrossSigningKeyTypes.UserSigning),
    ];
}
