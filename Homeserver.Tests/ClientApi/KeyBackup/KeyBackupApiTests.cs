using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.ClientApi.UserData;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.KeyBackup;

public class KeyBackupApiTests(TestHost host) : IClassFixture<TestHost>
{
    private const string V3 = "/_matrix/client/v3";
    private const string Algorithm = "m.megolm_backup.v1.curve25519-aes-sha2";
    private const string Room = "!room:test.example";

    private readonly HttpClient _client = host.CreateClient();

    private async Task<string> NewUserTokenAsync(bool isGuest = false) => await host.AddTokenAsync(NewUserId(), "DEVICE", isGuest: isGuest);

    private Task<HttpResponseMessage> RequestAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        var request = TestHost.Request(method, V3 + path, token);
        if (json is not null) request.Content = TestHost.JsonContent(json);
        return _client.SendAsync(request);
    }

    private async Task<string> CreateVersionAsync(string token, string authData = """{"public_key":"abc"}""")
    {
        var body = await (await RequestAsync(HttpMethod.Post, "/room_keys/version", token,
            $$"""{"algorithm":"{{Algorithm}}","auth_data":{{authData}} }""")).ShouldBeOkAsync();
        return (string)body["version"]!;
    }

    private static string KeyData(int firstMessageIndex = 0, int forwardedCount = 0, bool verified = false, string ciphertext = "c") =>
        $$"""{"first_message_index":{{firstMessageIndex}},"forwarded_count":{{forwardedCount}},"is_verified":{{(verified ? "true" : "false")}},"session_data":{"ciphertext":"{{ciphertext}}"} }""";

    private Task<HttpResponseMessage> PutKeyAsync(string token, string version, string sessionId, string keyData) =>
        RequestAsync(HttpMethod.Put, $"/room_keys/keys/{Q(Room)}/{sessionId}?version={version}", token, keyData);

    private async Task<JsonObject> GetVersionAsync(string token, string? version = null) =>
        await (await RequestAsync(HttpMethod.Get, "/room_keys/version" + (version is null ? "" : "/" + version), token)).ShouldBeOkAsync();

    [Fact]
    public async Task A_backup_goes_through_create_upload_read_delete()
    {
        var token = await NewUserTokenAsync();
        await (await RequestAsync(HttpMethod.Get, "/room_keys/version", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);

        var version = await CreateVersionAsync(token);
        var created = await GetVersionAsync(token);
        created["algorithm"].ShouldEqualJson($"\"{Algorithm}\"");
        created["auth_data"].ShouldEqualJson("""{"public_key":"abc"}""");
        ((int)created["count"]!).Should().Be(0);
        ((string)created["version"]!).Should().Be(version);
        (await GetVersionAsync(token, version)).ShouldEqualJson(created.ToJsonString());

        var one = await (await PutKeyAsync(token, version, "s1", KeyData(ciphertext: "one"))).ShouldBeOkAsync();
        ((int)one["count"]!).Should().Be(1);
        var room = await (await RequestAsync(HttpMethod.Put, $"/room_keys/keys/{Q(Room)}?version={version}", token,
            $$"""{"sessions":{"s2":{{KeyData(ciphertext: "two")}} } }""")).ShouldBeOkAsync();
        ((int)room["count"]!).Should().Be(2);
        var all = await (await RequestAsync(HttpMethod.Put, $"/room_keys/keys?version={version}", token,
            $$"""{"rooms":{"!other:test.example":{"sessions":{"s3":{{KeyData(ciphertext: "three")}} } } } }""")).ShouldBeOkAsync();
        ((int)all["count"]!).Should().Be(3);
        new[] { (string)created["etag"]!, (string)one["etag"]!, (string)room["etag"]!, (string)all["etag"]! }.Should().OnlyHaveUniqueItems();

        (await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys/{Q(Room)}/s1?version={version}", token)).ShouldBeOkAsync())
            .ShouldEqualJson(KeyData(ciphertext: "one"));
        (await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys/{Q(Room)}?version={version}", token)).ShouldBeOkAsync())
            .ShouldEqualJson($$"""{"sessions":{"s1":{{KeyData(ciphertext: "one")}},"s2":{{KeyData(ciphertext: "two")}} } }""");
        (await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys?version={version}", token)).ShouldBeOkAsync())
            .ShouldEqualJson($$"""
                {"rooms":{"!other:test.example":{"sessions":{"s3":{{KeyData(ciphertext: "three")}} } },
                "{{Room}}":{"sessions":{"s1":{{KeyData(ciphertext: "one")}},"s2":{{KeyData(ciphertext: "two")}} } } } }
                """);
        var latest = await GetVersionAsync(token);
        ((int)latest["count"]!).Should().Be(3);
        ((string)latest["etag"]!).Should().Be((string)all["etag"]!);

        var afterSession = await (await RequestAsync(HttpMethod.Delete, $"/room_keys/keys/{Q(Room)}/s1?version={version}", token)).ShouldBeOkAsync();
        ((int)afterSession["count"]!).Should().Be(2);
        ((string)afterSession["etag"]!).Should().NotBe((string)all["etag"]!);
        await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys/{Q(Room)}/s1?version={version}", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        var afterRoom = await (await RequestAsync(HttpMethod.Delete, $"/room_keys/keys/{Q(Room)}?version={version}", token)).ShouldBeOkAsync();
        ((int)afterRoom["count"]!).Should().Be(1);
        (await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys/{Q(Room)}?version={version}", token)).ShouldBeOkAsync())
            .ShouldEqualJson("""{"sessions":{}}""");
        var afterAll = await (await RequestAsync(HttpMethod.Delete, $"/room_keys/keys?version={version}", token)).ShouldBeOkAsync();
        ((int)afterAll["count"]!).Should().Be(0);
        (await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys?version={version}", token)).ShouldBeOkAsync()).ShouldEqualJson("""{"rooms":{}}""");

        await PutKeyAsync(token, version, "s4", KeyData());
        (await (await RequestAsync(HttpMethod.Delete, $"/room_keys/version/{version}", token)).ShouldBeOkAsync()).ShouldEqualJson("{}");
        await (await RequestAsync(HttpMethod.Get, $"/room_keys/version/{version}", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await RequestAsync(HttpMethod.Get, "/room_keys/version", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys?version={version}", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        // Deleting a deleted version succeeds; one that never existed does not.
        await (await RequestAsync(HttpMethod.Delete, $"/room_keys/version/{version}", token)).ShouldBeOkAsync();
        await (await RequestAsync(HttpMethod.Delete, "/room_keys/version/999", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await CreateVersionAsync(token)).Should().NotBe(version);
    }

    public static TheoryData<string, string, bool> Replacements => new()
    {
        // stored key, uploaded key, whether the upload replaces it
        { KeyData(5, 2, verified: false), KeyData(9, 9, verified: true), true },
        { KeyData(0, 0, verified: true), KeyData(0, 0, verified: false), false },
        { KeyData(5, 0, verified: true), KeyData(3, 9, verified: true), true },
        { KeyData(3, 0, verified: false), KeyData(5, 0, verified: false), false },
        { KeyData(3, 4, verified: false), KeyData(3, 2, verified: false), true },
        { KeyData(3, 2, verified: true), KeyData(3, 4, verified: true), false },
        { KeyData(3, 2, verified: false), KeyData(3, 2, verified: false), false },
    };

    [Theory]
    [MemberData(nameof(Replacements))]
    public async Task A_sessions_stored_key_is_replaced_only_by_a_better_one(string stored, string uploaded, bool replaces)
    {
        var token = await NewUserTokenAsync();
        var version = await CreateVersionAsync(token);
        var first = await (await PutKeyAsync(token, version, "s1", stored)).ShouldBeOkAsync();

        var second = await (await PutKeyAsync(token, version, "s1", uploaded.Replace("\"c\"", "\"new\"", StringComparison.Ordinal))).ShouldBeOkAsync();

        var kept = await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys/{Q(Room)}/s1?version={version}", token)).ShouldBeOkAsync();
        kept.ShouldEqualJson(replaces ? uploaded.Replace("\"c\"", "\"new\"", StringComparison.Ordinal) : stored);
        ((string)second["etag"]! != (string)first["etag"]!).Should().Be(replaces);
        ((int)second["count"]!).Should().Be(1);
    }

    [Fact]
    public async Task Keys_go_only_to_the_current_version()
    {
        var token = await NewUserTokenAsync();
        await (await PutKeyAsync(token, "1", "s1", KeyData())).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        var old = await CreateVersionAsync(token);
        var current = await CreateVersionAsync(token);

        var wrong = await (await PutKeyAsync(token, old, "s1", KeyData())).ShouldBeMatrixErrorAsync(403, ErrorCodes.WrongRoomKeysVersion);
        ((string)wrong["current_version"]!).Should().Be(current);
        await (await RequestAsync(HttpMethod.Put, $"/room_keys/keys?version={old}", token, """{"rooms":{}}"""))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.WrongRoomKeysVersion);
        await (await PutKeyAsync(token, "12345", "s1", KeyData())).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await PutKeyAsync(token, "not-a-version", "s1", KeyData())).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await RequestAsync(HttpMethod.Put, $"/room_keys/keys/{Q(Room)}/s1", token, KeyData())).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await RequestAsync(HttpMethod.Get, "/room_keys/keys", token)).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await RequestAsync(HttpMethod.Get, "/room_keys/keys?version=12345", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await RequestAsync(HttpMethod.Delete, "/room_keys/keys?version=12345", token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        // An older version can still be read.
        (await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys?version={old}", token)).ShouldBeOkAsync()).ShouldEqualJson("""{"rooms":{}}""");
    }

    [Fact]
    public async Task Updating_a_version_replaces_its_auth_data_but_not_its_algorithm()
    {
        var token = await NewUserTokenAsync();
        var version = await CreateVersionAsync(token);

        (await (await RequestAsync(HttpMethod.Put, $"/room_keys/version/{version}", token,
            $$"""{"algorithm":"{{Algorithm}}","auth_data":{"public_key":"new"},"version":"{{version}}"}""")).ShouldBeOkAsync()).ShouldEqualJson("{}");
        (await GetVersionAsync(token))["auth_data"].ShouldEqualJson("""{"public_key":"new"}""");

        await (await RequestAsync(HttpMethod.Put, $"/room_keys/version/{version}", token,
            """{"algorithm":"org.example.other","auth_data":{}}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await RequestAsync(HttpMethod.Put, $"/room_keys/version/{version}", token,
            $$"""{"algorithm":"{{Algorithm}}","auth_data":{},"version":"77"}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await RequestAsync(HttpMethod.Put, "/room_keys/version/77", token,
            $$"""{"algorithm":"{{Algorithm}}","auth_data":{} }""")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await GetVersionAsync(token))["auth_data"].ShouldEqualJson("""{"public_key":"new"}""");
    }

    [Fact]
    public async Task Backups_are_private_to_their_user()
    {
        var alice = await NewUserTokenAsync();
        var bob = await NewUserTokenAsync();
        var version = await CreateVersionAsync(alice);
        await (await PutKeyAsync(alice, version, "s1", KeyData())).ShouldBeOkAsync();

        await (await RequestAsync(HttpMethod.Get, "/room_keys/version", bob)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await RequestAsync(HttpMethod.Get, $"/room_keys/keys?version={version}", bob)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await RequestAsync(HttpMethod.Delete, $"/room_keys/version/{version}", bob)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        ((int)(await GetVersionAsync(alice))["count"]!).Should().Be(1);
    }

    [Theory]
    [InlineData("""{"first_message_index":0,"forwarded_count":0,"is_verified":"yes","session_data":{}}""", 400, ErrorCodes.BadJson)]
    [InlineData("""{"first_message_index":1.5,"forwarded_count":0,"is_verified":true,"session_data":{}}""", 400, ErrorCodes.BadJson)]
    [InlineData("""{"first_message_index":-1,"forwarded_count":0,"is_verified":true,"session_data":{}}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("""{"first_message_index":0,"is_verified":true,"session_data":{}}""", 400, ErrorCodes.BadJson)]
    [InlineData("""{"first_message_index":0,"forwarded_count":0,"is_verified":true,"session_data":"x"}""", 400, ErrorCodes.BadJson)]
    public async Task Malformed_key_data_is_refused(string keyData, int status, string errcode)
    {
        var token = await NewUserTokenAsync();
        var version = await CreateVersionAsync(token);

        await (await PutKeyAsync(token, version, "s1", keyData)).ShouldBeMatrixErrorAsync(status, errcode);
        await (await RequestAsync(HttpMethod.Put, $"/room_keys/keys/not-a-room/s1?version={version}", token, KeyData()))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await RequestAsync(HttpMethod.Post, "/room_keys/version", token, """{"algorithm":"a"}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        ((int)(await GetVersionAsync(token))["count"]!).Should().Be(0);
    }

    [Theory]
    [InlineData("POST", "/room_keys/version")]
    [InlineData("GET", "/room_keys/version")]
    [InlineData("GET", "/room_keys/version/1")]
    [InlineData("PUT", "/room_keys/version/1")]
    [InlineData("DELETE", "/room_keys/version/1")]
    [InlineData("GET", "/room_keys/keys?version=1")]
    [InlineData("PUT", "/room_keys/keys?version=1")]
    [InlineData("DELETE", "/room_keys/keys?version=1")]
    [InlineData("GET", "/room_keys/keys/!r:test.example?version=1")]
    [InlineData("PUT", "/room_keys/keys/!r:test.example?version=1")]
    [InlineData("DELETE", "/room_keys/keys/!r:test.example?version=1")]
    [InlineData("GET", "/room_keys/keys/!r:test.example/s?version=1")]
    [InlineData("PUT", "/room_keys/keys/!r:test.example/s?version=1")]
    [InlineData("DELETE", "/room_keys/keys/!r:test.example/s?version=1")]
    public async Task Every_endpoint_requires_an_access_token_and_refuses_guests(string method, string path)
    {
        var json = method is "POST" or "PUT" ? "{}" : null;
        await (await RequestAsync(new HttpMethod(method), path, null, json)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        await (await RequestAsync(new HttpMethod(method), path, await NewUserTokenAsync(isGuest: true), json))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.GuestAccessForbidden);
    }
}
