using System.Text.Json.Nodes;
using Homeserver.Federation.Json;

namespace Homeserver.Federation.Signing;

/// <summary>
/// Checks that an entity signed a JSON object (appendices, "Checking for a Signature").
/// Every signature of the entity made with a known (and, when a time is given, unexpired) ed25519
/// key must verify, and there must be at least one. Signatures with other algorithms or unknown
/// keys are skipped, as the event signature rules require.
/// </summary>
public static class JsonSignatureVerifier
{
    /// <param name="keys">The entity's known keys.</param>
    /// <param name="validAtTs">When set, keys whose validity ended before this time count as unknown.</param>
    public static SignatureCheck Verify(JsonObject obj, string entity, IReadOnlyCollection<VerifyKey> keys, long? validAtTs = null)
    {
        if (SignaturesOf(obj, entity, out var failure) is null) return failure;
        using var signed = CanonicalJsonWriter.Rent();
        signed.WriteObject(obj, JsonSigner.UnsignedMembers);
        return VerifyBytes(obj, entity, keys, validAtTs, signed.Written);
    }

    /// <summary>Checks the signatures found in <paramref name="holder"/> over already encoded signed bytes.</summary>
    internal static SignatureCheck VerifyBytes(JsonObject holder, string entity, IReadOnlyCollection<VerifyKey> keys, long? validAtTs,
        ReadOnlySpan<byte> signed)
    {
        if (SignaturesOf(holder, entity, out var failure) is not { } byKey) return failure;
        var verified = 0;
        Span<byte> signature = stackalloc byte[66];
        foreach (var (keyId, value) in byKey)
        {
            if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal)) continue;
            var key = Find(keys, keyId);
            if (key is null || (validAtTs is { } ts && !key.IsValidAt(ts))) continue;
            if (value is not JsonValue v || !v.TryGetValue(out string? text))
                return SignatureCheck.Invalid($"signature {entity} {keyId} is not a string");
            if (!UnpaddedBase64.TryDecode(text, signature, out var length) || length != 64)
                return SignatureCheck.Invalid($"signature {entity} {keyId} is not 64 bytes of base64");
            if (!key.Verify(signed, signature[..64]))
                return SignatureCheck.Invalid($"signature {entity} {keyId} does not match");
            verified++;
        }
        return verified > 0
            ? SignatureCheck.Valid(verified)
            : SignatureCheck.Invalid($"no signature from {entity} with a known{(validAtTs is null ? "" : ", unexpired")} key");
    }

    private static JsonObject? SignaturesOf(JsonObject obj, string entity, out SignatureCheck failure)
    {
        failure = default;
        if (obj["signatures"] is not JsonObject signatures)
        {
            failure = SignatureCheck.Invalid("the object has no signatures");
            return null;
        }
        if (signatures[entity] is JsonObject byKey) return byKey;
        failure = SignatureCheck.Invalid(signatures.ContainsKey(entity)
            ? $"signatures of {entity} are not an object"
            : $"no signature from {entity}");
        return null;
    }

    private static VerifyKey? Find(IReadOnlyCollection<VerifyKey> keys, string keyId)
    {
        foreach (var key in keys)
            if (key.KeyId == keyId) return key;
        return null;
    }
}
