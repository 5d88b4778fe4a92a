using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Json;

namespace Homeserver.E2ee;

/// <summary>
/// Shape checks shared by the key endpoints: strict types (400 <c>M_BAD_JSON</c>) and bounds
/// (400 <c>M_INVALID_PARAM</c>) of strings, ids, signature maps and whole key objects.
/// </summary>
internal static class KeyJson
{
    public static JsonObject RequireObject(JsonNode? node, string name) =>
        node as JsonObject ?? throw MatrixException.BadJson($"{name} must be an object.");

    public static string RequireString(JsonNode? node, string name, int maxLength)
    {
        if (node is not JsonValue value || !value.TryGetValue(out string? text))
            throw MatrixException.BadJson($"{name} must be a string.");
        if (text.Length == 0 || text.Length > maxLength)
            throw MatrixException.InvalidParam($"{name} must be 1 to {maxLength} characters.");
        return text;
    }

    /// <summary>An optional member: absent is null; present must be an object (JSON null included is refused).</summary>
    public static JsonObject? OptionalObject(JsonObject body, string name) =>
        body.TryGetPropertyValue(name, out var node) ? RequireObject(node, name) : null;

    /// <summary>
    /// <c>{user id: {key id: signature}}</c> with string signatures, bounded in size. With <paramref name="requiredUserId"/>,
    /// the object must hold signatures of that user.
    /// </summary>
    public static void CheckSignatures(JsonNode? node, string name, string? requiredUserId)
    {
        var signatures = RequireObject(node, name);
        if (signatures.Count > KeyLimits.MaxEntries)
            throw MatrixException.InvalidParam($"{name} has too many entries.");
        foreach (var (userId, byKey) in signatures)
        {
            var keys = RequireObject(byKey, $"{name}[{userId}]");
            if (keys.Count > KeyLimits.MaxEntries)
                throw MatrixException.InvalidParam($"{name}[{userId}] has too many entries.");
            foreach (var (keyId, signature) in keys)
            {
                CheckId(keyId, $"{name}[{userId}] key id");
                RequireString(signature, $"{name}[{userId}][{keyId}]", KeyLimits.MaxValueLength);
            }
        }
        if (requiredUserId is not null && signatures[requiredUserId] is not JsonObject { Count: > 0 })
            throw MatrixException.InvalidParam($"{name} must contain signatures of {requiredUserId}.");
    }

    /// <summary>
    /// The optional <c>timeout</c> of a query or claim: a non-negative integer. It bounds waiting for other servers,
    /// of which there are none to wait for yet.
    /// </summary>
    public static void CheckTimeout(JsonObject body)
    {
        if (body.TryGetPropertyValue("timeout", out var timeout) && (timeout is not JsonValue t || !t.TryGetValue(out long ms) || ms < 0))
            throw MatrixException.BadJson("timeout must be a non-negative integer.");
    }

    public static void CheckId(string id, string name)
    {
        if (id.Length == 0 || id.Length > KeyLimits.MaxIdLength)
            throw MatrixException.InvalidParam($"{name} must be 1 to {KeyLimits.MaxIdLength} characters.");
    }

    /// <summary>Splits <c>algorithm:rest</c>; 400 unless both parts are non-empty ids.</summary>
    public static (string Algorithm, string Id) SplitKeyName(string name, string what)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == name.Length - 1)
            throw MatrixException.InvalidParam($"{what} '{Shorten(name)}' is not of the form <algorithm>:<id>.");
        var (algorithm, id) = (name[..colon], name[(colon + 1)..]);
        CheckId(algorithm, $"{what} algorithm");
        CheckId(id, $"{what} id");
        return (algorithm, id);
    }

    /// <summary>The canonical JSON of a key object, refused when it is not representable or too large.</summary>
    public static string Canonical(JsonNode node, string name)
    {
        string text;
        try
        {
            text = CanonicalJson.EncodeToString(node);
        }
        catch (CanonicalJsonException e)
        {
            throw MatrixException.BadJson($"{name} is not valid canonical JSON: {e.Message}");
        }
        if (System.Text.Encoding.UTF8.GetByteCount(text) > KeyLimits.MaxKeyObjectBytes)
            throw MatrixException.InvalidParam($"{name} is larger than {KeyLimits.MaxKeyObjectBytes} bytes.");
        return text;
    }

    /// <summary>The canonical JSON of the signed part (without <c>signatures</c> and <c>unsigned</c>), for comparing keys.</summary>
    public static string SignedPart(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("signatures");
        copy.Remove("unsigned");
        return CanonicalJson.EncodeToString(copy);
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
