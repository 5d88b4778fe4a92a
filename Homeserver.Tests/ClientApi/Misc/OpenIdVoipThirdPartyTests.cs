using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Misc;

/// <summary>A homeserver with a TURN server shared secret, for the VoIP tests.</summary>
public sealed class TurnFixture() : AccountsFixture(config =>
{
    config.EnableRegistration = true;
    config.TurnUris = ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"];
    config.TurnSharedSecret = "coturn-secret";
    config.TurnUserLifetime = TimeSpan.FromMinutes(30);
});

public class OpenIdVoipThirdPartyTests(TurnFixture fixture) : IClassFixture<TurnFixture>
{
    [Fact]
    public async Task An_openid_token_names_its_user_to_the_federation_userinfo_endpoint_until_it_expires()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "oid");
        var token = (await alice.OkAsync(HttpMethod.Post, $"/user/{Esc(alice.UserId)}/openid/request_token", new JsonObject())).AsObject();
        ((string)token["token_type"]!).Should().Be("Bearer");
        ((string)token["matrix_server_name"]!).Should().Be(TestHost.ServerName);
        ((long)token["expires_in"]!).Should().Be(3600);

        var info = await fixture.Client.SendAsync(TestHost.Request(HttpMethod.Get,
            $"/_matrix/federation/v1/openid/userinfo?access_token={Esc((string)token["access_token"]!)}"));
        ((string)(await info.ReadJsonObjectAsync())["sub"]!).Should().Be(alice.UserId);

        var wrong = await fixture.Client.SendAsync(TestHost.Request(HttpMethod.Get, "/_matrix/federation/v1/openid/userinfo?access_token=nope"));
        await wrong.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken);
        var forOther = await alice.SendAsync(HttpMethod.Post, $"/user/{Esc("@someone:" + TestHost.ServerName)}/openid/request_token", new JsonObject());
        await forOther.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);

        fixture.Host.Time.Advance(TimeSpan.FromHours(1));
        var expired = await fixture.Client.SendAsync(TestHost.Request(HttpMethod.Get,
            $"/_matrix/federation/v1/openid/userinfo?access_token={Esc((string)token["access_token"]!)}"));
        await expired.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken);
    }

    [Fact]
    public async Task Turn_credentials_are_minted_from_the_shared_secret_as_coturn_checks_them()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "voip");
        var turn = (await alice.OkAsync(HttpMethod.Get, "/voip/turnServer")).AsObject();
        var username = (string)turn["username"]!;
        var expiry = long.Parse(username.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        expiry.Should().Be(fixture.Host.Time.GetUtcNow().ToUnixTimeSeconds() + 1800);
        username.Should().EndWith(":" + alice.UserId);
        ((string)turn["password"]!).Should().Be(Convert.ToBase64String(
            HMACSHA1.HashData(Encoding.UTF8.GetBytes("coturn-secret"), Encoding.UTF8.GetBytes(username))));
        turn["uris"]!.AsArray().Select(u => (string)u!).Should().Equal("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349");
        ((long)turn["ttl"]!).Should().Be(1800);
        await (await fixture.Client.SendAsync(TestHost.Request(HttpMethod.Get, $"{AccountRequests.V3}/voip/turnServer")))
            .ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
    }

    [Fact]
    public async Task No_third_party_protocols_are_known()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "tp");
        (await alice.OkAsync(HttpMethod.Get, "/thirdparty/protocols")).AsObject().Should().BeEmpty();
        await (await alice.SendAsync(HttpMethod.Get, "/thirdparty/protocol/irc")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await alice.SendAsync(HttpMethod.Get, "/thirdparty/user/irc?nick=x")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await alice.OkAsync(HttpMethod.Get, $"/thirdparty/user?userid={Esc(alice.UserId)}")).AsArray().Should().BeEmpty();
        await (await alice.SendAsync(HttpMethod.Get, "/thirdparty/location")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
    }
}
