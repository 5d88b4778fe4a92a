using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.UserData.UserDataTestClient;

namespace Homeserver.Tests.ClientApi.UserData;

public class CapabilitiesApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly HttpClient _client = host.CreateClient();

    private const string Expected = """
        {
          "capabilities": {
            "m.change_password": {"enabled": true},
            "m.room_versions": {
              "default": "12",
              "available": {
                "1": "stable", "2": "stable", "3": "stable", "4": "stable", "5": "stable", "6": "stable",
                "7": "stable", "8": "stable", "9": "stable", "10": "stable", "11": "stable", "12": "stable"
              }
            },
            "m.set_displayname": {"enabled": true},
            "m.set_avatar_url": {"enabled": true},
            "m.profile_fields": {"enabled": true, "allowed": ["displayname", "avatar_url"]},
            "m.3pid_changes": {"enabled": false},
            "m.get_login_token": {"enabled": false},
            "m.forget_forced_upon_leave": {"enabled": false}
          }
        }
        """;

    [Theory]
    [InlineData("/_matrix/client/v3/capabilities")]
    [InlineData("/_matrix/client/r0/capabilities")]
    public async Task Capabilities_list_what_the_server_offers(string path)
    {
        var token = await host.AddTokenAsync(NewUserId(), "D");

        (await (await _client.SendAsync(HttpMethod.Get, path, token)).ShouldBeOkAsync()).ShouldEqualJson(Expected);
    }

    [Fact]
    public async Task The_default_room_version_comes_from_the_config()
    {
        using var configured = TestHost.With(c => c.DefaultRoomVersion = "10");
        var token = await configured.AddTokenAsync(NewUserId(), "D");

        var body = await (await configured.CreateClient().SendAsync(HttpMethod.Get, $"{V3}/capabilities", token)).ShouldBeOkAsync();

        body["capabilities"]!["m.room_versions"]!["default"]!.GetValue<string>().Should().Be("10");
    }

    [Fact]
    public async Task Capabilities_need_a_token()
    {
        await (await _client.SendAsync(HttpMethod.Get, $"{V3}/capabilities", null)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
    }
}
