using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Accounts;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;

namespace Homeserver.ToDevice;

/// <summary>
/// The checked body of <c>PUT /sendToDevice/{eventType}/{txnId}</c>: per recipient user, the content per
/// device id, where the device id <c>*</c> stands for all of that user's devices.
/// </summary>
public sealed record SendToDeviceRequest(IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonObject>> Messages)
{
    /// <summary>The device id meaning every device of the user.</summary>
    public const string AllDevices = "*";

    /// <summary>Most (user, device) entries one request may hold, and most messages it may queue once <c>*</c> is expanded.</summary>
    public const int MaxMessages = 10_000;

    /// <summary>Largest request body: room key sharing in a big room sends to many devices at once.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>400 <c>M_INVALID_PARAM</c> unless the event type and transaction id are 1 to 255 bytes.</summary>
    public static void CheckPath(string eventType, string txnId)
    {
        if (eventType.Length == 0 || Encoding.UTF8.GetByteCount(eventType) > PduLimits.MaxFieldBytes)
            throw MatrixException.InvalidParam($"The event type must be 1 to {PduLimits.MaxFieldBytes} bytes long.");
        if (txnId.Length == 0 || Encoding.UTF8.GetByteCount(txnId) > PduLimits.MaxFieldBytes)
            throw MatrixException.InvalidParam($"The transaction ID must be 1 to {PduLimits.MaxFieldBytes} bytes long.");
    }

    /// <summary>
    /// Reads <c>{"messages": {userId: {deviceId: content}}}</c>: 400 <c>M_BAD_JSON</c> for a wrong shape,
    /// <c>M_INVALID_PARAM</c> for an invalid user or device id, 413 <c>M_TOO_LARGE</c> above <see cref="MaxMessages"/>.
    /// </summary>
    public static SendToDeviceRequest Parse(JsonObject body)
    {
        if (body["messages"] is not JsonObject messages)
            throw MatrixException.BadJson("messages must be an object.");
        var result = new Dictionary<string, IReadOnlyDictionary<string, JsonObject>>(StringComparer.Ordinal);
        var count = 0;
        foreach (var (userId, devices) in messages)
        {
            if (!UserId.IsValid(userId))
                throw MatrixException.InvalidParam($"'{userId}' is not a valid user ID.");
            if (devices is not JsonObject deviceMap)
                throw MatrixException.BadJson($"messages.{userId} must be an object.");
            var contents = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var (deviceId, content) in deviceMap)
            {
                if (deviceId.Length is 0 or > DeviceSessions.MaxDeviceIdLength)
                    throw MatrixException.InvalidParam($"Device IDs must be 1 to {DeviceSessions.MaxDeviceIdLength} characters.");
                if (content is not JsonObject contentObject)
                    throw MatrixException.BadJson($"The message for {userId} {deviceId} must be an object.");
                if (++count > MaxMessages)
                    throw MatrixException.TooLarge($"At most {MaxMessages} messages can be sent at once.");
                contents[deviceId] = contentObject;
            }
            result[userId] = contents;
        }
        return new SendToDeviceRequest(result);
    }
}
