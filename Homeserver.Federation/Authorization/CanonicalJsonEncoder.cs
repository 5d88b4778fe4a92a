using System.Text.Json.Nodes;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// Encodes a JSON object as Matrix canonical JSON (UTF-8). The auth rules need it for one step
/// only: verifying the identity server's signatures on a third-party invite's <c>signed</c>
/// object. Throws <see cref="FormatException"/> for values canonical JSON cannot represent.
/// </summary>
public delegate byte[] CanonicalJsonEncoder(JsonObject value);
