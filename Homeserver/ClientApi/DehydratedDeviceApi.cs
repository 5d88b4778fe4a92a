using System.Text.Json.Nodes;
using Homeserver.E2ee;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;

namespace Homeserver.ClientApi;

/// <summary>Dehydrated devices (MSC3814) under the unstable prefix Element clients use.</summary>
public static class DehydratedDeviceApi
{
    public const string UnstablePrefix = ClientApiRoutes.Root + "/unstable/org.matrix.msc3814.v1";

    /// <summary>The feature flag advertised in <c>/versions</c>.</summary>
    public const string UnstableFeature = "org.matrix.msc3814";

    /// <summary>Room for <see cref="DehydratedDevices.MaxDeviceDataBytes"/> of device data plus a full key upload.</summary>
    public const long MaxPutBodyBytes = 512 * 1024;

    public static IEndpointRouteBuilder MapDehydratedDeviceApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(UnstablePrefix);
        group.MapPut("/dehydrated_device", PutAsync).RequireMatrixAuth();
        group.MapGet("/dehydrated_device", GetAsync).RequireMatrixAuth();
        group.MapDelete("/dehydrated_device", DeleteAsync).RequireMatrixAuth();
        group.MapPost("/dehydrated_device/{deviceId}/events", EventsAsync).RequireMatrixAuth();
        return routes;
    }

    private static async Task<JsonObject> PutAsync(HttpRequest request, RequestUser user, DehydratedDevices dehydrated)
    {
        user.RequireNotGuest();
        var body = await JsonBody.ReadObjectAsync(request, MaxPutBodyBytes);
        return new JsonObject { ["device_id"] = await dehydrated.PutAsync(user.UserId, body, request.HttpContext.RequestAborted) };
    }

    private static async Task<JsonObject> GetAsync(RequestUser user, DehydratedDevices dehydrated, CancellationToken cancellationToken)
    {
        user.RequireNotGuest();
        var (deviceId, deviceData) = await dehydrated.GetAsync(user.UserId, cancellationToken);
        return new JsonObject { ["device_id"] = deviceId, ["device_data"] = deviceData };
    }

    private static async Task<JsonObject> DeleteAsync(RequestUser user, DehydratedDevices dehydrated, CancellationToken cancellationToken)
    {
        user.RequireNotGuest();
        return new JsonObject { ["device_id"] = await dehydrated.DeleteAsync(user.UserId, cancellationToken) };
    }

    private static async Task<JsonObject> EventsAsync(HttpRequest request, RequestUser user, DehydratedDevices dehydrated, string deviceId)
    {
        user.RequireNotGuest();
        // An empty body reads as {}: next_batch is the only member and it is optional.
        var body = request.ContentLength is 0 ? new JsonObject() : await JsonBody.ReadObjectAsync(request);
        string? nextBatch = null;
        if (body.TryGetPropertyValue("next_batch", out var node) && node is not null)
        {
            if (node is not JsonValue value || !value.TryGetValue(out nextBatch))
                throw MatrixException.BadJson("next_batch must be a string.");
        }
        var (events, next) = await dehydrated.GetEventsAsync(user.UserId, PathDeviceId(deviceId), nextBatch, request.HttpContext.RequestAborted);
        return new JsonObject { ["events"] = events, ["next_batch"] = next };
    }

    /// <summary>
    /// Dehydrated device ids are unpadded standard base64 (MSC3814), so they often hold a '/', sent as %2F, which
    /// the server leaves encoded in the path while decoding everything else.
    /// </summary>
    private static string PathDeviceId(string segment) => segment.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
}
