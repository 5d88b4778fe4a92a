using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;

namespace Homeserver.Federation.Signing;

/// <summary>The parameters of an <c>Authorization: X-Matrix ...</c> header.</summary>
/// <param name="Destination">Null when the sender left it out (older servers); the receiver then assumes itself.</param>
public sealed record XMatrixCredentials(string Origin, string? Destination, string KeyId, string Signature);

/// <summary>
/// Request authentication of the Server-Server API ("Request Authentication"): the method, target,
/// origin, destination and JSON body are wrapped in an object that the origin signs; the signature
/// travels in an <c>Authorization: X-Matrix</c> header (RFC 9110 auth-param syntax).
/// </summary>
public static class XMatrixAuthorization
{
    public const string Scheme = "X-Matrix";

    /// <summary>The header value for a request that <paramref name="origin"/> sends to <paramref name="destination"/>.</summary>
    /// <param name="uri">The request target from <c>/_matrix/...</c>, with the query string.</param>
    public static string CreateHeader(string origin, string destination, string method, string uri, JsonNode? content, SigningKey key)
    {
        var signature = JsonSigner.ComputeSignature(RequestJson(method, uri, origin, destination, content), key);
        // Lower-case names, one space after the scheme, quoted values: what older servers parse.
        return $"{Scheme} origin=\"{origin}\",destination=\"{destination}\",key=\"{key.KeyId}\",sig=\"{signature}\"";
    }

    /// <summary>Whether <paramref name="credentials"/> is a valid signature by <paramref name="key"/> over this request.</summary>
    public static bool Verify(XMatrixCredentials credentials, string method, string uri, string destination, JsonNode? content, VerifyKey key)
    {
        if (credentials.KeyId != key.KeyId) return false;
        if (!UnpaddedBase64.TryDecode(credentials.Signature, out var signature)) return false;
        using var writer = CanonicalJsonWriter.Rent();
        writer.WriteObject(RequestJson(method, uri, credentials.Origin, destination, content), JsonSigner.UnsignedMembers);
        return SigningKey.Verify(key.PublicKey, writer.Written, signature);
    }

    /// <summary>The object that is signed.</summary>
    public static JsonObject RequestJson(string method, string uri, string origin, string destination, JsonNode? content)
    {
        var json = new JsonObject { ["method"] = method, ["uri"] = uri, ["origin"] = origin, ["destination"] = destination };
        if (content is not null) json["content"] = content.DeepClone();
        return json;
    }

    /// <summary>
    /// Parses a header value. Names are case-insensitive, values may be tokens or quoted strings with
    /// backslash escapes; <c>origin</c>, <c>key</c> and <c>sig</c> are required, unknown names ignored.
    /// </summary>
    public static bool TryParse(string? header, out XMatrixCredentials credentials)
    {
        credentials = null!;
        if (header is null || header.Length > 8192) return false;
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length || header[Scheme.Length] != ' ')
            return false;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = Scheme.Length;
        while (true)
        {
            while (i < header.Length && header[i] is ' ' or '\t') i++;
            if (i >= header.Length) break;
            var nameStart = i;
            while (i < header.Length && IsTokenChar(header[i])) i++;
            if (i == nameStart || i >= header.Length || header[i] != '=') return false;
            var name = header[nameStart..i];
            i++;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                i++;
                var sb = new StringBuilder();
                while (true)
                {
                    if (i >= header.Length) return false;
                    var c = header[i++];
                    if (c == '"') break;
                    if (c == '\\')
                    {
                        if (i >= header.Length) return false;
                        c = header[i++];
                    }
                    sb.Append(c);
                }
                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                // Older servers send unquoted values with colons (origin=example.org:8448, key=ed25519:1): accepted.
                while (i < header.Length && (IsTokenChar(header[i]) || header[i] == ':')) i++;
                if (i == valueStart) return false;
                value = header[valueStart..i];
            }
            if (!parameters.TryAdd(name, value)) return false;
            while (i < header.Length && header[i] is ' ' or '\t') i++;
            if (i >= header.Length) break;
            if (header[i] != ',') return false;
            i++;
        }
        if (!parameters.TryGetValue("origin", out var origin) || !parameters.TryGetValue("key", out var keyId)
            || !parameters.TryGetValue("sig", out var sig) || origin.Length == 0 || keyId.Length == 0 || sig.Length == 0)
            return false;
        credentials = new XMatrixCredentials(origin, parameters.GetValueOrDefault("destination"), keyId, sig);
        return true;
    }

    /// <summary>RFC 9110 <c>tchar</c>.</summary>
    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
