using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.ToDevice;

namespace Homeserver.ClientApi;

/// <summary><c>PUT /sendToDevice/{eventType}/{txnId}</c>: messages to devices, delivered by their <c>/sync</c>.</summary>
public static class SendToDeviceApi
{
    public static IEndpointRouteBuilder MapSendToDeviceApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPut("/sendToDevice/{eventType}/{txnId}", SendAsync).RequireMatrixAuth());
        return routes;
    }

    private static async Task<EmptyResponse> SendAsync(string eventType, string txnId, RequestUser user, ToDeviceSender sender, HttpRequest request)
    {
        SendToDeviceRequest.CheckPath(eventType, txnId);
        var body = SendToDeviceRequest.Parse(await JsonBody.ReadObjectAsync(request, SendToDeviceRequest.MaxBodyBytes));
        await sender.SendAsync(user.UserId, user.DeviceId, eventType, txnId, body, request.HttpContext.RequestAborted);
        return EmptyResponse.Instance;
    }
}
