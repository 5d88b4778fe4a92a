using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Homeserver.Accounts;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Homeserver.ClientApi;

/// <summary>Device management: list, get, rename, and delete (behind user-interactive authentication).</summary>
public static class DevicesApi
{
    private static readonly IReadOnlyList<IReadOnlyList<string>> DeleteFlows = [[AuthTypes.Password]];

    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/devices", ListAsync).RequireMatrixAuth();
            group.MapGet("/devices/{deviceId}", GetAsync).RequireMatrixAuth();
            group.MapPut("/devices/{deviceId}", RenameAsync).RequireMatrixAuth();
            group.MapDelete("/devices/{deviceId}", DeleteAsync).RequireMatrixAuth();
            group.MapPost("/delete_devices", DeleteManyAsync).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<DeviceListResponse> ListAsync(RequestUser user, IDeviceStore devices, CancellationToken cancellationToken) =>
        new((await devices.ListAsync(user.UserId, cancellationToken)).Select(DeviceResponse.From).ToList());

    private static async Task<DeviceResponse> GetAsync(RequestUser user, IDeviceStore devices, string deviceId, CancellationToken cancellationToken) =>
        DeviceResponse.From(await devices.FindAsync(user.UserId, deviceId, cancellationToken) ?? throw NoSuchDevice());

    private static async Task<EmptyResponse> RenameAsync(
        HttpRequest request, RequestUser user, IDeviceStore devices, [FromServices] IEnumerable<IDeviceChangeListener> listeners, string deviceId)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await JsonBody.ReadObjectAsync(request);
        var parsed = JsonBody.Bind<RenameRequest>(body);
        if (parsed.DisplayName is { Length: > DeviceSessions.MaxDisplayNameLength })
            throw MatrixException.InvalidParam($"display_name must be at most {DeviceSessions.MaxDisplayNameLength} characters.");
        var device = await devices.FindAsync(user.UserId, deviceId, cancellationToken) ?? throw NoSuchDevice();
        // Without display_name the name stays as it is.
        if (body.ContainsKey("display_name"))
        {
            await devices.SetDisplayNameAsync(user.UserId, device.DeviceId, parsed.DisplayName, cancellationToken);
            foreach (var listener in listeners)
                await listener.OnDeviceRenamedAsync(user.UserId, device.DeviceId, cancellationToken);
        }
        return EmptyResponse.Instance;
    }

    private static async Task<EmptyResponse> DeleteAsync(
        HttpRequest request, RequestUser user, IDeviceStore devices, UserInteractiveAuth uia, DeviceSessions sessions, string deviceId)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await ReadOptionalObjectAsync(request);
        if (await devices.FindAsync(user.UserId, deviceId, cancellationToken) is null)
            throw NoSuchDevice();
        var outcome = await uia.AuthenticateAsync(request, body, DeleteFlows, user.UserId, cancellationToken);
        await sessions.DeleteDeviceAsync(user.UserId, deviceId, cancellationToken);
        await uia.FinishAsync(outcome, cancellationToken);
        return EmptyResponse.Instance;
    }

    private static async Task<EmptyResponse> DeleteManyAsync(HttpRequest request, RequestUser user, UserInteractiveAuth uia, DeviceSessions sessions)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await JsonBody.ReadObjectAsync(request);
        var parsed = JsonBody.Bind<DeleteDevicesRequest>(body);
        var outcome = await uia.AuthenticateAsync(request, body, DeleteFlows, user.UserId, cancellationToken);
        // Devices the user does not have are skipped, as Synapse does.
        foreach (var deviceId in parsed.Devices.Distinct(StringComparer.Ordinal))
            await sessions.DeleteDeviceAsync(user.UserId, deviceId, cancellationToken);
        await uia.FinishAsync(outcome, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>DELETE may come without a body (the first, unauthenticated attempt): that reads as <c>{}</c>.</summary>
    private static async Task<JsonObject> ReadOptionalObjectAsync(HttpRequest request) =>
        request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any())
            ? new JsonObject()
            : await JsonBody.ReadObjectAsync(request);

    private static MatrixException NoSuchDevice() => MatrixException.NotFound("No device with this id.");

    private sealed record RenameRequest(string? DisplayName = null);

    private sealed record DeleteDevicesRequest(IReadOnlyList<string> Devices);

    public sealed record DeviceListResponse(IReadOnlyList<DeviceResponse> Devices);

    public sealed record DeviceResponse(
        string DeviceId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayName,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastSeenIp,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LastSeenTs)
    {
        public static DeviceResponse From(DeviceRecord device) => new(device.DeviceId, device.DisplayName, device.LastSeenIp, device.LastSeenTs);
    }
}
