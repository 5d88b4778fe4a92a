using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Accounts;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.E2ee;
using Homeserver.Storage.ToDevice;

namespace Homeserver.E2ee;

/// <summary>
/// Dehydrated devices (MSC3814, unstable prefix <c>org.matrix.msc3814.v1</c>): a user keeps at most one device that
/// no client runs, with its keys uploaded, so that room keys sent to it wait until a new login rehydrates it from
/// its encrypted <c>device_data</c> and fetches its to-device messages. The device is an ordinary device without
/// access tokens; deleting it (here, by replacement, or as any device) takes its keys and messages with it.
/// </summary>
public sealed class DehydratedDevices(
    IDehydratedDeviceStore store, IDeviceStore devices, DeviceSessions sessions, KeyUploadService keyUpload, IToDeviceStore toDevice)
{
    /// <summary>Largest <c>device_data</c> kept, as UTF-8 JSON (the pickle of a device with its one-time keys is a few KB).</summary>
    public const int MaxDeviceDataBytes = 64 * 1024;

    /// <summary>Most to-device messages in one batch of <c>/events</c> (as <c>/sync</c>).</summary>
    public const int MaxEventsPerBatch = 100;

    /// <summary>
    /// <c>PUT /dehydrated_device</c>: checks the whole request, creates the device and uploads its keys, then makes it
    /// the user's dehydrated device; the one it replaces is deleted afterwards, so a refused request changes nothing.
    /// </summary>
    public async Task<string> PutAsync(string userId, JsonObject body, CancellationToken cancellationToken)
    {
        var deviceId = RequireDeviceId(body["device_id"]);
        var deviceData = body["device_data"] as JsonObject ?? throw MatrixException.BadJson("device_data must be an object.");
        if (deviceData["algorithm"] is not JsonValue algorithm || !algorithm.TryGetValue(out string? algorithmName) || algorithmName.Length == 0)
            throw MatrixException.BadJson("device_data.algorithm must be a non-empty string.");
        var deviceDataJson = deviceData.ToJsonString();
        if (Encoding.UTF8.GetByteCount(deviceDataJson) > MaxDeviceDataBytes)
            throw MatrixException.TooLarge($"device_data is larger than {MaxDeviceDataBytes} bytes.");
        var displayName = OptionalDisplayName(body);
        if (!body.ContainsKey("device_keys"))
            throw MatrixException.BadJson("device_keys is required.");
        var keys = new JsonObject();
        foreach (var name in (string[])["device_keys", "one_time_keys", "fallback_keys"])
            if (body.TryGetPropertyValue(name, out var node))
                keys[name] = node?.DeepClone();
        // The same checks as the upload below makes before it stores anything, made before the device exists.
        DeviceKeysValidator.Validate(keys["device_keys"], userId, deviceId);
        if (keys.TryGetPropertyValue("one_time_keys", out var oneTimeKeys))
            OneTimeKeysValidator.Validate(oneTimeKeys, "one_time_keys", userId, fallback: false);
        if (keys.TryGetPropertyValue("fallback_keys", out var fallbackKeys))
            OneTimeKeysValidator.Validate(fallbackKeys, "fallback_keys", userId, fallback: true);

        var current = await store.GetAsync(userId, cancellationToken);
        if (current?.DeviceId == deviceId)
        {
            // Re-dehydrating under the same id: the old keys and messages must not carry over to the new device.
            await sessions.DeleteDeviceAsync(userId, deviceId, cancellationToken);
        }
        else if (await devices.FindAsync(userId, deviceId, cancellationToken) is not null)
        {
            throw MatrixException.InvalidParam("device_id is already the id of another device of this user.");
        }

        await devices.UpsertAsync(new DeviceRecord(userId, deviceId, displayName, null, null), cancellationToken);
        try
        {
            await keyUpload.UploadAsync(userId, deviceId, keys, cancellationToken);
        }
        catch (MatrixException)
        {
            await sessions.DeleteDeviceAsync(userId, deviceId, cancellationToken);
            throw;
        }
        var replaced = await store.SetAsync(new DehydratedDeviceRecord(userId, deviceId, deviceDataJson), cancellationToken);
        if (replaced is not null && replaced != deviceId)
            await sessions.DeleteDeviceAsync(userId, replaced, cancellationToken);
        return deviceId;
    }

    /// <summary><c>GET /dehydrated_device</c>: the device id and data; 404 <c>M_NOT_FOUND</c> when there is none.</summary>
    public async Task<(string DeviceId, JsonObject DeviceData)> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(userId, cancellationToken) ?? throw NoDehydratedDevice();
        return (record.DeviceId, JsonNode.Parse(record.DeviceDataJson)!.AsObject());
    }

    /// <summary><c>DELETE /dehydrated_device</c>: deletes the device as a device deletion would; returns its id.</summary>
    public async Task<string> DeleteAsync(string userId, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(userId, cancellationToken) ?? throw NoDehydratedDevice();
        await sessions.DeleteDeviceAsync(userId, record.DeviceId, cancellationToken);
        // The device-change listener forgets the record; this covers a record whose device was already gone.
        await store.DeleteAsync(userId, record.DeviceId, cancellationToken);
        return record.DeviceId;
    }

    /// <summary>
    /// <c>POST /dehydrated_device/{deviceId}/events</c>: a batch of the device's to-device messages after
    /// <paramref name="nextBatch"/> and the token of the next batch; an empty batch means all were fetched. Unlike
    /// <c>/sync</c>, fetched messages are not deleted (MSC3814): an interrupted rehydration can start again.
    /// 403 <c>M_FORBIDDEN</c> unless <paramref name="deviceId"/> is the user's dehydrated device.
    /// </summary>
    public async Task<(JsonArray Events, string NextBatch)> GetEventsAsync(string userId, string deviceId, string? nextBatch,
        CancellationToken cancellationToken)
    {
        var after = nextBatch is null ? 0 : ParseBatchToken(nextBatch);
        var record = await store.GetAsync(userId, cancellationToken);
        if (record is null || record.DeviceId != deviceId)
            throw MatrixException.Forbidden("You may only fetch the to-device messages of your dehydrated device.");
        var upTo = await toDevice.GetCurrentPositionAsync(cancellationToken);
        // One more than fits tells whether more are waiting.
        var messages = await toDevice.ReadAsync(userId, deviceId, after, upTo, MaxEventsPerBatch + 1, cancellationToken);
        var batch = messages.Take(MaxEventsPerBatch).ToList();
        var events = new JsonArray([.. batch.Select(m => (JsonNode)new JsonObject
        {
            ["sender"] = m.Sender,
            ["type"] = m.Type,
            ["content"] = JsonNode.Parse(m.ContentJson),
        })]);
        var reached = messages.Count > MaxEventsPerBatch ? batch[^1].Position : Math.Max(after, upTo);
        return (events, BatchToken(reached));
    }

    private static string BatchToken(long position) => "d" + position.ToString(CultureInfo.InvariantCulture);

    /// <summary>A token this server gave out: <c>d</c> and a stream position in plain digits.</summary>
    private static long ParseBatchToken(string token)
    {
        if (token.Length is < 2 or > 20 || token[0] != 'd' ||
            !long.TryParse(token.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            throw MatrixException.InvalidParam("next_batch is not a token of this endpoint.");
        return position;
    }

    private static string RequireDeviceId(JsonNode? node)
    {
        if (node is not JsonValue value || !value.TryGetValue(out string? deviceId))
            throw MatrixException.BadJson("device_id must be a string.");
        DeviceSessions.CheckDeviceId(deviceId);
        return deviceId;
    }

    /// <summary>Optional string or null; longer names are cut, as at login.</summary>
    private static string? OptionalDisplayName(JsonObject body)
    {
        if (!body.TryGetPropertyValue("initial_device_display_name", out var node) || node is null)
            return null;
        if (node is not JsonValue value || !value.TryGetValue(out string? name))
            throw MatrixException.BadJson("initial_device_display_name must be a string.");
        return name.Length > DeviceSessions.MaxDisplayNameLength ? name[..DeviceSessions.MaxDisplayNameLength] : name;
    }

    private static MatrixException NoDehydratedDevice() => MatrixException.NotFound("No dehydrated device.");
}
