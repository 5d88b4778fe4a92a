using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.E2ee;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>Keys of a user of another server as its clients would have made them: device keys and cross-signing keys.</summary>
internal sealed class RemoteKeysTestData(string userId) : IDisposable
{
    private readonly Dictionary<string, ClientKey> _devices = new(StringComparer.Ordinal);

    public string UserId { get; } = userId;
    public ClientKey Master { get; } = new();
    public ClientKey SelfSigning { get; } = new();

    /// <summary>The signed device keys of one of the user's devices (a key pair per device id).</summary>
    public JsonObject DeviceKeys(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var key))
            _devices[deviceId] = key = new ClientKey();
        return key.Sign(new JsonObject
        {
            ["user_id"] = UserId,
            ["device_id"] = deviceId,
            ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
            ["keys"] = new JsonObject { ["ed25519:" + deviceId] = key.PublicKey },
        }, UserId, "ed25519:" + deviceId);
    }

    public JsonObject MasterKey() => new()
    {
        ["user_id"] = UserId,
        ["usage"] = new JsonArray("master"),
        ["keys"] = new JsonObject { ["ed25519:" + Master.PublicKey] = Master.PublicKey },
    };

    public JsonObject SelfSigningKey() => Master.Sign(new JsonObject
    {
        ["user_id"] = UserId,
        ["usage"] = new JsonArray("self_signing"),
        ["keys"] = new JsonObject { ["ed25519:" + SelfSigning.PublicKey] = SelfSigning.PublicKey },
    }, UserId, "ed25519:" + Master.PublicKey);

    /// <summary>The answer of <c>GET /user/devices/{userId}</c> with these devices at <paramref name="streamId"/>.</summary>
    public JsonObject DevicesAnswer(long streamId, params string[] deviceIds) => new()
    {
        ["user_id"] = UserId,
        ["stream_id"] = streamId,
        ["devices"] = new JsonArray([.. deviceIds.Select(d => (JsonNode)new JsonObject
        {
            ["device_id"] = d,
            ["keys"] = DeviceKeys(d),
            ["device_display_name"] = "Device " + d,
        })]),
        ["master_key"] = MasterKey(),
        ["self_signing_key"] = SelfSigningKey(),
    };

    public void Dispose()
    {
        foreach (var key in _devices.Values) key.Dispose();
        Master.Dispose();
        SelfSigning.Dispose();
    }
}
