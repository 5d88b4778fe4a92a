using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.Http;
using NSec.Cryptography;

namespace Homeserver.Tests.ClientApi.E2ee;

/// <summary>An ed25519 key pair of a test client (NSec), signing canonical JSON as clients do.</summary>
internal sealed class ClientKey : IDisposable
{
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519);

    public string PublicKey => UnpaddedBase64.Encode(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    /// <summary>Adds this key's signature of the object (without signatures and unsigned) as <c>signatures[userId][keyId]</c>.</summary>
    public JsonObject Sign(JsonObject obj, string userId, string keyId)
    {
        var signature = UnpaddedBase64.Encode(SignatureAlgorithm.Ed25519.Sign(_key, CanonicalJson.EncodeWithout(obj, "signatures", "unsigned")));
        var signatures = obj["signatures"] as JsonObject ?? (JsonObject)(obj["signatures"] = new JsonObject());
        var byUser = signatures[userId] as JsonObject ?? (JsonObject)(signatures[userId] = new JsonObject());
        byUser[keyId] = signature;
        return obj;
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>A registered user with one device, its device key and its cross-signing keys, and the key requests.</summary>
internal sealed class E2eeTestUser : IDisposable
{
    public const string V3 = AccountRequests.V3;
    public const string Password = "correct horse battery staple";

    private readonly HttpClient _client;

    private E2eeTestUser(HttpClient client, string userId, string deviceId, string token)
    {
        _client = client;
        UserId = userId;
        DeviceId = deviceId;
        Token = token;
    }

    public string UserId { get; }
    public string DeviceId { get; }
    public string Token { get; }
    public ClientKey DeviceKey { get; } = new();
    public string Curve25519Key { get; } = UnpaddedBase64.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    public ClientKey Master { get; } = new();
    public ClientKey SelfSigning { get; } = new();
    public ClientKey UserSigning { get; } = new();

    public static async Task<E2eeTestUser> RegisterAsync(HttpClient client, string deviceName = "Test phone")
    {
        var registered = await client.RegisterAsync(AccountRequests.NewName("e2e"), Password,
            new JsonObject { ["initial_device_display_name"] = deviceName });
        return new E2eeTestUser(client, registered.Str("user_id"), registered.Str("device_id"), registered.Str("access_token"));
    }

    public JsonObject DeviceKeys() => DeviceKey.Sign(new JsonObject
    {
        ["user_id"] = UserId,
        ["device_id"] = DeviceId,
        ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
        ["keys"] = new JsonObject { ["curve25519:" + DeviceId] = Curve25519Key, ["ed25519:" + DeviceId] = DeviceKey.PublicKey },
    }, UserId, "ed25519:" + DeviceId);

    public JsonObject OneTimeKey(bool fallback = false)
    {
        var key = new JsonObject { ["key"] = UnpaddedBase64.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
        if (fallback) key["fallback"] = true;
        return DeviceKey.Sign(key, UserId, "ed25519:" + DeviceId);
    }

    /// <summary>A cross-signing key of this user, signed by <paramref name="signer"/> (the master key) when given.</summary>
    public JsonObject CrossSigningKey(ClientKey key, string usage, ClientKey? signer)
    {
        var json = new JsonObject
        {
            ["user_id"] = UserId,
            ["usage"] = new JsonArray(usage),
            ["keys"] = new JsonObject { ["ed25519:" + key.PublicKey] = key.PublicKey },
        };
        return signer is null ? json : signer.Sign(json, UserId, "ed25519:" + signer.PublicKey);
    }

    /// <summary>The master, self-signing and user-signing keys, the latter two signed by the master key.</summary>
    public JsonObject CrossSigningUpload() => new()
    {
        ["master_key"] = CrossSigningKey(Master, "master", null),
        ["self_signing_key"] = CrossSigningKey(SelfSigning, "self_signing", Master),
        ["user_signing_key"] = CrossSigningKey(UserSigning, "user_signing", Master),
    };

    public Task<HttpResponseMessage> PostAsync(string path, JsonObject body) => _client.PostJsonAsync(V3 + path, body, Token);

    public async Task<JsonObject> PostOkAsync(string path, JsonObject body)
    {
        var response = await PostAsync(path, body);
        var json = await response.ReadJsonObjectAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, json.ToJsonString());
        return json;
    }

    public Task<JsonObject> UploadAsync(JsonObject body) => PostOkAsync("/keys/upload", body);

    public Task<JsonObject> QueryAsync(params string[] userIds) =>
        PostOkAsync("/keys/query", new JsonObject { ["device_keys"] = new JsonObject([.. userIds.Select(u => KeyValuePair.Create(u, (JsonNode?)new JsonArray()))]) });

    public Task<JsonObject> ClaimAsync(E2eeTestUser owner, string algorithm = "signed_curve25519") =>
        PostOkAsync("/keys/claim", new JsonObject
        {
            ["one_time_keys"] = new JsonObject { [owner.UserId] = new JsonObject { [owner.DeviceId] = algorithm } },
        });

    public void Dispose()
    {
        DeviceKey.Dispose();
        Master.Dispose();
        SelfSigning.Dispose();
        UserSigning.Dispose();
    }
}
