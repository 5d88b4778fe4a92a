using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.FederationApi.Edus;

namespace Homeserver.E2ee;

/// <summary>
/// Checks keys that another server served or sent for its users with the same rules as uploaded keys: a key of the
/// wrong user or device, or of the wrong shape, reads as null and is left out.
/// </summary>
internal static class RemoteKeyJson
{
    /// <summary>The device keys (with the origin's <c>unsigned.device_display_name</c>, when a string), or null.</summary>
    public static JsonObject? DeviceKeys(JsonNode? node, string userId, string deviceId)
    {
        try
        {
            var keys = DeviceKeysValidator.Validate(node, userId, deviceId);
            if (EduJson.String(EduJson.Path(node, "unsigned", "device_display_name"), KeyLimits.MaxValueLength, allowEmpty: true) is { } displayName)
                keys["unsigned"] = new JsonObject { ["device_display_name"] = displayName };
            return keys;
        }
        catch (MatrixException)
        {
            return null;
        }
    }

    /// <summary>The cross-signing key of <paramref name="type"/> (<c>master</c> or <c>self_signing</c>), or null.</summary>
    public static JsonObject? CrossSigning(JsonNode? node, string userId, string type)
    {
        if (node is null)
            return null;
        try
        {
            return CrossSigningKey.Parse(node, type, type, userId).Json;
        }
        catch (MatrixException)
        {
            return null;
        }
    }
}
