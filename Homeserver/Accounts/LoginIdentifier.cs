using System.Text.Json.Nodes;
using Homeserver.Federation.Http;

namespace Homeserver.Accounts;

/// <summary>Reads who a password login or <c>m.login.password</c> stage names: <c>identifier</c>, or the legacy <c>user</c>.</summary>
public static class LoginIdentifier
{
    /// <summary>
    /// The user string (a localpart or user id). Third-party identifiers give 403 <c>M_FORBIDDEN</c> (we hold none),
    /// unknown identifier types and missing or malformed fields 400.
    /// </summary>
    public static string ReadUser(JsonObject request)
    {
        if (request["identifier"] is { } identifierNode)
        {
            if (identifierNode is not JsonObject identifier)
                throw MatrixException.BadJson("identifier must be an object.");
            var type = ReadString(identifier, "type") ?? throw MatrixException.MissingParam("identifier.type is required.");
            switch (type)
            {
                case AuthTypes.UserIdentifier:
                    return ReadString(identifier, "user") ?? throw MatrixException.MissingParam("identifier.user is required.");
                case AuthTypes.ThirdPartyIdentifier or AuthTypes.PhoneIdentifier:
                    throw MatrixException.Forbidden("Third-party identifier is not known to this server.");
                default:
                    throw new MatrixException(400, ErrorCodes.Unknown, "Unknown identifier type.");
            }
        }
        return ReadString(request, "user") ?? throw MatrixException.MissingParam("identifier or user is required.");
    }

    /// <summary>The string member <paramref name="name"/>, null when absent; 400 <c>M_BAD_JSON</c> when not a string.</summary>
    public static string? ReadString(JsonObject json, string name)
    {
        var node = json[name];
        if (node is null)
            return null;
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
            return text;
        throw MatrixException.BadJson($"{name} must be a string.");
    }
}
