using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.UserData.UserDataTestClient;

namespace Homeserver.Tests.ClientApi.UserData;

public class TagsApiTests(TestHost host) : IClassFixture<TestHost>
{
    private const string RoomId = "!tagged:test.example";

    private readonly HttpClient _client = host.CreateClient();

    private async Task<(string UserId, string Token)> NewUserAsync()
    {
        var userId = NewUserId();
        return (userId, await host.AddTokenAsync(userId, "DEVICE"));
    }

    private static string TagsPath(string userId, string roomId = RoomId) => $"{V3}/user/{Escape(userId)}/rooms/{Escape(roomId)}/tags";

    private static string TagPath(string userId, string tag, string roomId = RoomId) => TagsPath(userId, roomId) + "/" + Escape(tag);

    [Fact]
    public async Task A_room_without_tags_has_an_empty_tags_object()
    {
        var (userId, token) = await NewUserAsync();

        (await (await _client.SendAsync(HttpMethod.Get, TagsPath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson("""{"tags":{}}""");
    }

    [Fact]
    public async Task Tags_are_added_listed_and_removed_and_kept_as_m_tag_account_data()
    {
        var (userId, token) = await NewUserAsync();

        (await (await _client.SendAsync(HttpMethod.Put, TagPath(userId, "m.favourite"), token, """{"order":0.25}""")).ShouldBeOkAsync()).ShouldEqualJson("{}");
        await (await _client.SendAsync(HttpMethod.Put, TagPath(userId, "u.Work"), token, """{"order":1}""")).ShouldBeOkAsync();
        await (await _client.SendAsync(HttpMethod.Put, TagPath(userId, "u.Customers"), token, "{}")).ShouldBeOkAsync();

        (await (await _client.SendAsync(HttpMethod.Get, TagsPath(userId), token)).ShouldBeOkAsync())
            .ShouldEqualJson("""{"tags":{"m.favourite":{"order":0.25},"u.Work":{"order":1},"u.Customers":{}}}""");

        (await (await _client.SendAsync(HttpMethod.Delete, TagPath(userId, "u.Work"), token)).ShouldBeOkAsync()).ShouldEqualJson("{}");
        await (await _client.SendAsync(HttpMethod.Delete, TagPath(userId, "u.never-set"), token)).ShouldBeOkAsync();

        var expected = """{"tags":{"m.favourite":{"order":0.25},"u.Customers":{}}}""";
        (await (await _client.SendAsync(HttpMethod.Get, TagsPath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson(expected);
        (await (await _client.SendAsync(HttpMethod.Get, $"{V3}/user/{Escape(userId)}/rooms/{Escape(RoomId)}/account_data/m.tag", token)).ShouldBeOkAsync())
            .ShouldEqualJson(expected);
    }

    [Fact]
    public async Task Setting_a_tag_again_replaces_its_order()
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Put, TagPath(userId, "u.x"), token, """{"order":0.1}""")).ShouldBeOkAsync();
        await (await _client.SendAsync(HttpMethod.Put, TagPath(userId, "u.x"), token, """{"order":0}""")).ShouldBeOkAsync();

        (await (await _client.SendAsync(HttpMethod.Get, TagsPath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson("""{"tags":{"u.x":{"order":0}}}""");
    }

    [Theory]
    [InlineData("""{"order":-0.1}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"order":1.0001}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"order":2}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"order":1e400}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"order":"0.5"}""", ErrorCodes.BadJson)]
    [InlineData("""{"order":null}""", ErrorCodes.BadJson)]
    [InlineData("""{"order":true}""", ErrorCodes.BadJson)]
    [InlineData("""[0.5]""", ErrorCodes.BadJson)]
    [InlineData("""{"order":""", ErrorCodes.NotJson)]
    public async Task A_bad_tag_body_is_400_and_changes_nothing(string body, string errcode)
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Put, TagPath(userId, "u.bad"), token, body)).ShouldBeMatrixErrorAsync(400, errcode);

        (await (await _client.SendAsync(HttpMethod.Get, TagsPath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson("""{"tags":{}}""");
    }

    [Fact]
    public async Task A_tag_name_longer_than_255_bytes_is_400()
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Put, TagPath(userId, "u." + new string('x', 254)), token, "{}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Tags_need_a_token_the_own_user_and_a_room_id()
    {
        var (alice, aliceToken) = await NewUserAsync();
        var (_, bobToken) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Get, TagsPath(alice), null)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        await (await _client.SendAsync(HttpMethod.Get, TagsPath(alice), bobToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Put, TagPath(alice, "u.x"), bobToken, "{}")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Delete, TagPath(alice, "u.x"), bobToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Put, TagPath(alice, "u.x", "#alias:test.example"), aliceToken, "{}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await _client.SendAsync(HttpMethod.Get, TagsPath(alice, "not-a-room"), aliceToken)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Malformed_m_tag_content_set_directly_reads_as_no_tags_and_is_repaired_by_the_next_tag()
    {
        var (userId, token) = await NewUserAsync();
        await (await _client.SendAsync(HttpMethod.Put, $"{V3}/user/{Escape(userId)}/rooms/{Escape(RoomId)}/account_data/m.tag", token, """{"tags":["x"]}""")).ShouldBeOkAsync();

        (await (await _client.SendAsync(HttpMethod.Get, TagsPath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson("""{"tags":{}}""");
        await (await _client.SendAsync(HttpMethod.Put, TagPath(userId, "u.y"), token, "{}")).ShouldBeOkAsync();
        (await (await _client.SendAsync(HttpMethod.Get, TagsPath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson("""{"tags":{"u.y":{}}}""");
    }
}
