using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Transport;
using Homeserver.Storage.ToDevice;
using Homeserver.ToDevice;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.direct_to_device</c>: <c>{sender, type, message_id, messages: {userId: {deviceId: content}}}</c> from a
/// user of the origin. Messages for local users go to their devices' inboxes (<c>*</c> = every device); a
/// <c>message_id</c> seen before from the same sender is dropped, so a retried transaction delivers nothing twice.
/// </summary>
public sealed class DirectToDeviceEduHandler(ToDeviceSender toDevice, ILogger<DirectToDeviceEduHandler> logger) : IEduHandler
{
    public string EduType => ToDeviceSender.DirectToDeviceEdu;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken)
    {
        var sender = EduJson.UserOf(content["sender"], origin);
        var type = EduJson.String(content["type"]);
        var messageId = EduJson.String(content["message_id"]);
        if (sender is null || type is null || messageId is null || content["messages"] is not JsonObject messages)
        {
            EduLog.Ignored(logger, EduType, origin, "malformed, or the sender is not of the origin");
            return;
        }
        SendToDeviceRequest request;
        try
        {
            request = SendToDeviceRequest.Parse(new JsonObject { ["messages"] = messages.DeepClone() });
        }
        catch (MatrixException e)
        {
            EduLog.Ignored(logger, EduType, origin, e.Message);
            return;
        }
        // Remote senders have no device here: their message ids live in the device-less transaction space.
        await toDevice.DeliverLocallyAsync(new ToDeviceTransactionKey(sender, "", messageId), sender, type, request.Messages, cancellationToken);
    }
}
