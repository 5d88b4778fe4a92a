using Homeserver.Federation.Http;
using Homeserver.Storage.UserData;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.UserData.UserDataTestClient;

namespace Homeserver.Tests.ClientApi.UserData;

public class AccountDataApiTests(TestHost host) : IClassFixture<TestHost>
{
    private const string RoomId = "!room1:test.example";

    private readonly HttpClient _client = host.CreateClient();

    private async Task<(string UserId, string Token)> NewUserAsync()
    {
        var userId = NewUserId();
        return (userId, await host.AddTokenAsync(userId, "DEVICE"));
    }

    private static string GlobalPath(string userId, string type) => $"{V3}/user/{Escape(userId)}/account_data/{Escape(type)}";

    private static string RoomPath(string userId, string roomId, string type) =>
        $"{V3}/user/{Escape(userId)}/rooms/{Escape(roomId)}/account_data/{Escape(type)}";

    [Fact]
    public async Task Global_and_room_account_data_round_trip_separately()
    {
        var (userId, token) = await NewUserAsync();

        (await (await _client.SendAsync(HttpMethod.Put, GlobalPath(userId, "org.example.config"), token, """{"theme":"dark","n":0.5}""")).ShouldBeOkAsync())
            .ShouldEqualJson("{}");
        await (await _client.SendAsync(HttpMethod.Put, RoomPath(userId, RoomId, "org.example.config"), token, """{"muted":true}""")).ShouldBeOkAsync();

        (await (await _client.SendAsync(HttpMethod.Get, GlobalPath(userId, "org.example.config"), token)).ShouldBeOkAsync())
            .ShouldEqualJson("""{"theme":"dark","n":0.5}""");
        (await (await _client.SendAsync(HttpMethod.Get, RoomPath(userId, RoomId, "org.example.config"), token)).ShouldBeOkAsync())
            .ShouldEqualJson("""{"muted":true}""");
        (await (await _client.SendAsync(HttpMethod.Get, $"/_matrix/client/r0/user/{Escape(userId)}/account_data/org.example.config", token)).ShouldBeOkAsync())
            .ShouldEqualJson("""{"theme":"dark","n":0.5}""");
    }

    [Fact]
    public async Task Missing_account_data_is_404()
    {
        var (userId, token) = await NewUserAsync();
        await (await _client.SendAsync(HttpMethod.Put, GlobalPath(userId, "org.example.global_only"), token, "{}")).ShouldBeOkAsync();

        await (await _client.SendAsync(HttpMethod.Get, GlobalPath(userId, "org.example.none"), token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        // No fallback from room to global account data.
        await (await _client.SendAsync(HttpMethod.Get, RoomPath(userId, RoomId, "org.example.global_only"), token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Theory]
    [InlineData("m.fully_read")]
    [InlineData("m.push_rules")]
    public async Task Server_managed_types_cannot_be_set_405_M_BAD_JSON(string type)
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Put, GlobalPath(userId, type), token, """{"event_id":"$x"}""")).ShouldBeMatrixErrorAsync(405, ErrorCodes.BadJson);
        await (await _client.SendAsync(HttpMethod.Put, RoomPath(userId, RoomId, type), token, """{"event_id":"$x"}""")).ShouldBeMatrixErrorAsync(405, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task Global_m_push_rules_reads_as_the_users_push_rules()
    {
        var (userId, token) = await NewUserAsync();

        var content = await (await _client.SendAsync(HttpMethod.Get, GlobalPath(userId, "m.push_rules"), token)).ShouldBeOkAsync();
        var rules = await (await _client.SendAsync(HttpMethod.Get, $"{V3}/pushrules/", token)).ShouldBeOkAsync();

        content.ShouldEqualJson(rules.ToJsonString());
    }

    [Fact]
    public async Task Only_the_user_may_read_or_write_their_account_data()
    {
        var (alice, aliceToken) = await NewUserAsync();
        var (_, bobToken) = await NewUserAsync();
        await (await _client.SendAsync(HttpMethod.Put, GlobalPath(alice, "org.example.secret"), aliceToken, """{"a":1}""")).ShouldBeOkAsync();

        await (await _client.SendAsync(HttpMethod.Get, GlobalPath(alice, "org.example.secret"), bobToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Put, GlobalPath(alice, "org.example.secret"), bobToken, "{}")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Get, RoomPath(alice, RoomId, "org.example.secret"), bobToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Put, RoomPath(alice, RoomId, "org.example.secret"), bobToken, "{}")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Get, GlobalPath(alice, "org.example.secret"), null)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        await (await _client.SendAsync(HttpMethod.Put, RoomPath(alice, RoomId, "org.example.secret"), null, "{}")).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);

        (await (await _client.SendAsync(HttpMethod.Get, GlobalPath(alice, "org.example.secret"), aliceToken)).ShouldBeOkAsync()).ShouldEqualJson("""{"a":1}""");
    }

    [Theory]
    [InlineData("#alias:test.example")]
    [InlineData("room1")]
    [InlineData("@user:test.example")]
    public async Task A_malformed_room_id_is_400_M_INVALID_PARAM(string roomId)
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Get, RoomPath(userId, roomId, "org.example.x"), token)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await _client.SendAsync(HttpMethod.Put, RoomPath(userId, roomId, "org.example.x"), token, "{}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Theory]
    [InlineData("""["an array"]""", ErrorCodes.BadJson)]
    [InlineData("\"a string\"", ErrorCodes.BadJson)]
    [InlineData("{\"a\":", ErrorCodes.NotJson)]
    [InlineData("{\"a\":1,\"a\":2}", ErrorCodes.NotJson)]
    public async Task A_body_that_is_not_a_json_object_is_400(string body, string errcode)
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Put, GlobalPath(userId, "org.example.x"), token, body)).ShouldBeMatrixErrorAsync(400, errcode);
        await (await _client.SendAsync(HttpMethod.Get, GlobalPath(userId, "org.example.x"), token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task A_type_longer_than_255_bytes_is_400_M_INVALID_PARAM()
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Put, GlobalPath(userId, new string('t', 256)), token, "{}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Each_write_takes_a_higher_stream_position_readable_as_changes_since()
    {
        var (userId, token) = await NewUserAsync();
        var store = host.Services.GetRequiredService<IAccountDataStore>();
        var start = await store.GetCurrentPositionAsync(CancellationToken.None);

        await (await _client.SendAsync(HttpMethod.Put, GlobalPath(userId, "org.example.a"), token, """{"v":1}""")).ShouldBeOkAsync();
        await (await _client.SendAsync(HttpMethod.Put, RoomPath(userId, RoomId, "org.example.b"), token, """{"v":2}""")).ShouldBeOkAsync();
        await (await _client.SendAsync(HttpMethod.Put, GlobalPath(userId, "org.example.a"), token, """{"v":3}""")).ShouldBeOkAsync();

        var changes = await store.GetAccountDataChangedSinceAsync(userId, start, CancellationToken.None);
        changes.Select(c => (c.RoomId, c.Type, c.ContentJson)).Should().Equal(
            ("!room1:test.example", "org.example.b", """{"v":2}"""),
            ("", "org.example.a", """{"v":3}"""));
        changes[0].StreamPosition.Should().BeGreaterThan(start);
        changes[1].StreamPosition.Should().BeGreaterThan(changes[0].StreamPosition);
        (await store.GetAccountDataChangedSinceAsync(userId, changes[0].StreamPosition, CancellationToken.None))
            .Should().ContainSingle().Which.Type.Should().Be("org.example.a");
    }
}
