using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.UserData.UserDataTestClient;

namespace Homeserver.Tests.ClientApi.UserData;

public class FilterApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly HttpClient _client = host.CreateClient();

    /// <summary>The example of filter.yaml, plus an unknown (unstable) key that must be kept.</summary>
    private const string SpecExample = """
        {
          "room": {
            "state": {"types": ["m.room.*"], "not_rooms": ["!726s6s6q:example.com"], "lazy_load_members": true},
            "timeline": {"limit": 10, "types": ["m.room.message"], "not_rooms": ["!726s6s6q:example.com"], "not_senders": ["@spam:example.com"]},
            "ephemeral": {"types": ["m.receipt", "m.typing"], "not_rooms": ["!726s6s6q:example.com"], "not_senders": ["@spam:example.com"]},
            "include_leave": false
          },
          "presence": {"types": ["m.presence"], "not_senders": ["@alice:example.com"]},
          "event_format": "client",
          "event_fields": ["type", "content", "sender"],
          "org.example.unstable": {"anything": [1, 2.5]}
        }
        """;

    private async Task<(string UserId, string Token)> NewUserAsync()
    {
        var userId = NewUserId();
        return (userId, await host.AddTokenAsync(userId, "DEVICE"));
    }

    private static string FilterPath(string userId, string? filterId = null) =>
        $"{V3}/user/{Escape(userId)}/filter" + (filterId is null ? "" : "/" + Escape(filterId));

    [Fact]
    public async Task An_uploaded_filter_is_returned_by_its_id()
    {
        var (userId, token) = await NewUserAsync();

        var created = await (await _client.SendAsync(HttpMethod.Post, FilterPath(userId), token, SpecExample)).ShouldBeOkAsync();
        var filterId = created["filter_id"]!.GetValue<string>();
        filterId.Should().NotBeEmpty().And.NotStartWith("{");

        var filter = await (await _client.SendAsync(HttpMethod.Get, FilterPath(userId, filterId), token)).ShouldBeOkAsync();
        filter.ShouldEqualJson(SpecExample);
        (await (await _client.SendAsync(HttpMethod.Get, $"/_matrix/client/r0/user/{Escape(userId)}/filter/{filterId}", token)).ShouldBeOkAsync())
            .ShouldEqualJson(SpecExample);
    }

    [Fact]
    public async Task The_empty_filter_is_valid_and_the_same_filter_twice_gets_the_same_id()
    {
        var (userId, token) = await NewUserAsync();

        var first = await (await _client.SendAsync(HttpMethod.Post, FilterPath(userId), token, """{"room":{"timeline":{"limit":5}}}""")).ShouldBeOkAsync();
        var again = await (await _client.SendAsync(HttpMethod.Post, FilterPath(userId), token, """{ "room" : { "timeline" : { "limit" : 5 } } }""")).ShouldBeOkAsync();
        var empty = await (await _client.SendAsync(HttpMethod.Post, FilterPath(userId), token, "{}")).ShouldBeOkAsync();

        again["filter_id"]!.GetValue<string>().Should().Be(first["filter_id"]!.GetValue<string>());
        empty["filter_id"]!.GetValue<string>().Should().NotBe(first["filter_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("999999999")]
    [InlineData("abc")]
    [InlineData("01")]
    [InlineData("-1")]
    public async Task An_unknown_filter_is_404(string filterId)
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Get, FilterPath(userId, filterId), token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Filters_belong_to_their_user()
    {
        var (alice, aliceToken) = await NewUserAsync();
        var (bob, bobToken) = await NewUserAsync();
        var created = await (await _client.SendAsync(HttpMethod.Post, FilterPath(alice), aliceToken, "{}")).ShouldBeOkAsync();
        var filterId = created["filter_id"]!.GetValue<string>();

        await (await _client.SendAsync(HttpMethod.Get, FilterPath(alice, filterId), bobToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Post, FilterPath(alice), bobToken, "{}")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Get, FilterPath(bob, filterId), bobToken)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await _client.SendAsync(HttpMethod.Get, FilterPath(alice, filterId), null)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        await (await _client.SendAsync(HttpMethod.Post, FilterPath(alice), null, "{}")).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
    }

    [Theory]
    [InlineData("""{"event_format":"xml"}""")]
    [InlineData("""{"event_format":null}""")]
    [InlineData("""{"event_fields":"type"}""")]
    [InlineData("""{"event_fields":[1]}""")]
    [InlineData("""{"presence":[]}""")]
    [InlineData("""{"presence":{"limit":0}}""")]
    [InlineData("""{"presence":{"senders":["bob"]}}""")]
    [InlineData("""{"account_data":{"types":"m.tag"}}""")]
    [InlineData("""{"room":null}""")]
    [InlineData("""{"room":{"rooms":["#alias:example.org"]}}""")]
    [InlineData("""{"room":{"not_rooms":[null]}}""")]
    [InlineData("""{"room":{"include_leave":"yes"}}""")]
    [InlineData("""{"room":{"timeline":{"limit":"10"}}}""")]
    [InlineData("""{"room":{"timeline":{"limit":1.5}}}""")]
    [InlineData("""{"room":{"timeline":{"limit":-3}}}""")]
    [InlineData("""{"room":{"state":{"lazy_load_members":1}}}""")]
    [InlineData("""{"room":{"ephemeral":{"rooms":["not a room"]}}}""")]
    [InlineData("""{"room":{"account_data":{"contains_url":"true"}}}""")]
    [InlineData("""{"room":{"timeline":{"not_senders":["@"]}}}""")]
    [InlineData("""{"org.example.unstable":1e400}""")]
    [InlineData("""["not", "an", "object"]""")]
    public async Task Filters_of_the_wrong_shape_are_400_M_BAD_JSON(string body)
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Post, FilterPath(userId), token, body)).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400_M_NOT_JSON()
    {
        var (userId, token) = await NewUserAsync();

        await (await _client.SendAsync(HttpMethod.Post, FilterPath(userId), token, "{room:")).ShouldBeMatrixErrorAsync(400, ErrorCodes.NotJson);
    }
}
