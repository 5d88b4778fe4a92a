using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Accounts;

public class DevicesTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<(string Name, string UserId, JsonObject Phone, JsonObject Laptop)> UserWithTwoDevicesAsync()
    {
        var name = NewName("dev");
        var registered = await _client.RegisterAsync(name, "pw", new JsonObject { ["device_id"] = "PHONE", ["initial_device_display_name"] = "Phone" });
        var laptop = await _client.LoginAsync(name, "pw", new JsonObject { ["device_id"] = "LAPTOP", ["initial_device_display_name"] = "Laptop" });
        return (name, registered.Str("user_id"), registered, laptop);
    }

    private async Task<JsonObject> GetJsonAsync(string path, string token) =>
        await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, path, token))).ReadJsonObjectAsync();

    [Fact]
    public async Task Devices_are_listed_and_fetched_one_by_one()
    {
        var (_, _, phone, _) = await UserWithTwoDevicesAsync();
        var token = phone.Str("access_token");

        var list = await GetJsonAsync($"{V3}/devices", token);
        list["devices"]!.AsArray().Select(d => (d!["device_id"]!.GetValue<string>(), d["display_name"]!.GetValue<string>()))
            .Should().BeEquivalentTo([("LAPTOP", "Laptop"), ("PHONE", "Phone")]);
        list["devices"]![0]!["last_seen_ts"]!.GetValue<long>().Should().BePositive();

        var one = await GetJsonAsync($"{R0}/devices/LAPTOP", token);
        one.Str("device_id").Should().Be("LAPTOP");
        one.Str("display_name").Should().Be("Laptop");

        await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/devices/NOSUCH", token))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Another_users_devices_are_invisible()
    {
        await UserWithTwoDevicesAsync();
        var stranger = await _client.RegisterAsync(NewName("stranger"), "pw");
        var token = stranger.Str("access_token");

        await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/devices/PHONE", token))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await GetJsonAsync($"{V3}/devices", token))["devices"]!.AsArray().Select(d => d!["device_id"]!.GetValue<string>())
            .Should().Equal(stranger.Str("device_id"));
    }

    [Fact]
    public async Task Renaming_changes_the_display_name_and_an_unknown_device_is_404()
    {
        var (_, _, phone, _) = await UserWithTwoDevicesAsync();
        var token = phone.Str("access_token");

        (await _client.SendJsonAsync(HttpMethod.Put, $"{V3}/devices/LAPTOP", new JsonObject { ["display_name"] = "Work laptop" }, token))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await GetJsonAsync($"{V3}/devices/LAPTOP", token)).Str("display_name").Should().Be("Work laptop");

        (await _client.SendJsonAsync(HttpMethod.Put, $"{V3}/devices/LAPTOP", new JsonObject(), token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await GetJsonAsync($"{V3}/devices/LAPTOP", token)).Str("display_name").Should().Be("Work laptop", "no display_name leaves it as it is");

        await (await _client.SendJsonAsync(HttpMethod.Put, $"{V3}/devices/NOSUCH", new JsonObject { ["display_name"] = "x" }, token))
            .ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await _client.SendJsonAsync(HttpMethod.Put, $"{V3}/devices/LAPTOP", new JsonObject { ["display_name"] = new string('x', 101) }, token))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await _client.SendJsonAsync(HttpMethod.Put, $"{V3}/devices/LAPTOP", new JsonObject { ["display_name"] = 5 }, token))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task Deleting_a_device_needs_the_password_and_revokes_its_token()
    {
        var (_, userId, phone, laptop) = await UserWithTwoDevicesAsync();
        var token = phone.Str("access_token");

        var challenge = await _client.SendAsync(TestHost.Request(HttpMethod.Delete, $"{V3}/devices/LAPTOP", token));
        ((int)challenge.StatusCode).Should().Be(401);
        var session = (await challenge.ReadJsonObjectAsync()).Str("session");

        var deleted = await _client.SendJsonAsync(HttpMethod.Delete, $"{V3}/devices/LAPTOP", new JsonObject { ["auth"] = PasswordAuth(userId, "pw", session) }, token);

        deleted.StatusCode.Should().Be(HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
        (await _client.WhoAmIStatusAsync(laptop.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await GetJsonAsync($"{V3}/devices", token))["devices"]!.AsArray().Select(d => d!["device_id"]!.GetValue<string>()).Should().Equal("PHONE");
        await (await _client.SendAsync(TestHost.Request(HttpMethod.Delete, $"{V3}/devices/LAPTOP", token))).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Delete_devices_removes_several_behind_one_authentication()
    {
        var (name, userId, phone, laptop) = await UserWithTwoDevicesAsync();
        var tablet = await _client.LoginAsync(name, "pw", new JsonObject { ["device_id"] = "TABLET" });
        var body = new JsonObject { ["devices"] = new JsonArray("LAPTOP", "TABLET", "NEVERHAD") };

        var challenge = await _client.PostJsonAsync($"{R0}/delete_devices", body, phone.Str("access_token"));
        ((int)challenge.StatusCode).Should().Be(401);
        body["auth"] = PasswordAuth(userId, "pw", (await challenge.ReadJsonObjectAsync()).Str("session"));
        (await _client.PostJsonAsync($"{R0}/delete_devices", body, phone.Str("access_token"))).StatusCode.Should().Be(HttpStatusCode.OK);

        (await _client.WhoAmIStatusAsync(laptop.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await _client.WhoAmIStatusAsync(tablet.Str("access_token"))).Should().Be(HttpStatusCode.Unauthorized);
        (await _client.WhoAmIStatusAsync(phone.Str("access_token"))).Should().Be(HttpStatusCode.OK);
    }
}
