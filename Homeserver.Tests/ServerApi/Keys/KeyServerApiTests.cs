using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Keys;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Keys;

public sealed class KeyServerApiTests : IDisposable
{
    private readonly TestRemoteServer _remote = new("remote.test");
    private readonly SigningKey _oldKey = SigningKey.Generate();
    private readonly FakeFederationClient _federation = new();
    private readonly TestHost _host;

    public KeyServerApiTests()
    {
        _host = TestHost.With(c =>
        {
            c.KeyRefreshInterval = TimeSpan.FromHours(2);
            c.OldSigningKeys[_oldKey.KeyId] = new OldSigningKeyConfig { Key = _oldKey.PublicKeyBase64, ExpiredTs = 1_700_000_000_000 };
        });
        _host.ConfigureServices = services => services.AddSingleton<IFederationClient>(_federation);
    }

    public void Dispose()
    {
        _host.Dispose();
        _remote.Dispose();
        _oldKey.Dispose();
    }

    private long Now => _host.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private VerifyKey HostKey => VerifyKey.FromSigningKey(_host.Services.GetRequiredService<ServerIdentity>().SigningKey);

    private void ServeRemote(long validUntilTs) =>
        _federation.Handler = (destination, _, path, _) => destination == _remote.Name && path == "/_matrix/key/v2/server"
            ? Task.FromResult<JsonNode?>(KeyResponses.For(_remote, validUntilTs))
            : throw new FederationRequestException(destination, "unreachable (fake)");

    [Fact]
    public async Task The_server_publishes_its_key_signed_with_it_and_its_old_keys()
    {
        using var client = _host.CreateClient();

        var json = await (await client.GetAsync("/_matrix/key/v2/server")).ReadJsonObjectAsync();

        ServerKeyResponseValidator.TryValidate(json, TestHost.ServerName, Now, out var response, out var error).Should().BeTrue(error);
        response.VerifyKeys.Values.Single().PublicKey.Should().Equal(HostKey.PublicKey);
        json["valid_until_ts"]!.GetValue<long>().Should().Be(Now + (long)TimeSpan.FromHours(2).TotalMilliseconds);
        response.OldVerifyKeys[_oldKey.KeyId].Should().Be(VerifyKey.FromSigningKey(_oldKey, 1_700_000_000_000));
        JsonSignatureVerifier.Verify(json, TestHost.ServerName, [HostKey]).IsValid.Should().BeTrue();
    }

    [Fact]
    public void The_published_validity_is_at_most_7_days()
    {
        using var key = SigningKey.Generate();
        var time = new ManualTimeProvider();
        var local = new LocalServerKeys(new ServerIdentity("self.test", key), new ServerKeyOptions { KeyRefreshInterval = TimeSpan.FromDays(30) }, time);

        local.CreateResponse()["valid_until_ts"]!.GetValue<long>().Should().Be(time.GetUtcNow().AddDays(7).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task The_version_endpoint_names_the_implementation_without_authentication()
    {
        using var client = _host.CreateClient();

        var json = await (await client.GetAsync("/_matrix/federation/v1/version")).ReadJsonObjectAsync();

        json["server"]!["name"]!.GetValue<string>().Should().Be("Messenger");
        json["server"]!["version"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_notary_query_returns_the_servers_response_countersigned_by_this_server()
    {
        ServeRemote(Now + (long)TimeSpan.FromDays(1).TotalMilliseconds);
        using var client = _host.CreateClient();

        var json = await (await client.GetAsync("/_matrix/key/v2/query/remote.test")).ReadJsonObjectAsync();

        var entry = json["server_keys"]!.AsArray().Single()!.AsObject();
        ServerKeyResponseValidator.TryValidate(entry, _remote.Name, Now, out _, out var error).Should().BeTrue(error);
        JsonSignatureVerifier.Verify(entry, TestHost.ServerName, [HostKey]).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task A_batch_query_answers_for_reachable_servers_and_this_one_and_leaves_out_the_rest()
    {
        ServeRemote(Now + (long)TimeSpan.FromDays(1).TotalMilliseconds);
        using var client = _host.CreateClient();
        var body = new JsonObject
        {
            ["server_keys"] = new JsonObject
            {
                [_remote.Name] = new JsonObject { [_remote.Key.KeyId] = new JsonObject { ["minimum_valid_until_ts"] = Now } },
                [TestHost.ServerName] = new JsonObject(),
                ["offline.test"] = new JsonObject(),
            },
        };

        var response = await client.PostAsync("/_matrix/key/v2/query", TestHost.JsonContent(body.ToJsonString()));
        var json = await response.ReadJsonObjectAsync();

        json["server_keys"]!.AsArray().Select(e => e!["server_name"]!.GetValue<string>()).Should().BeEquivalentTo([_remote.Name, TestHost.ServerName]);
        foreach (var entry in json["server_keys"]!.AsArray())
            JsonSignatureVerifier.Verify(entry!.AsObject(), TestHost.ServerName, [HostKey]).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task Minimum_valid_until_ts_makes_the_notary_fetch_a_fresher_response()
    {
        var hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;
        ServeRemote(Now + hour);
        using var client = _host.CreateClient();
        await client.GetAsync("/_matrix/key/v2/query/remote.test");

        _host.Time.Advance(TimeSpan.FromMinutes(2));
        ServeRemote(Now + 24 * hour);
        var cached = await (await client.GetAsync($"/_matrix/key/v2/query/remote.test")).ReadJsonObjectAsync();
        var fresher = await (await client.GetAsync($"/_matrix/key/v2/query/remote.test?minimum_valid_until_ts={Now + 2 * hour}")).ReadJsonObjectAsync();

        cached["server_keys"]![0]!["valid_until_ts"]!.GetValue<long>().Should().BeLessThan(Now + hour, "the cached response still satisfies 'now'");
        fresher["server_keys"]![0]!["valid_until_ts"]!.GetValue<long>().Should().Be(Now + 24 * hour);
        _federation.CountTo(_remote.Name).Should().Be(2);
    }

    [Fact]
    public async Task Malformed_queries_are_400()
    {
        using var client = _host.CreateClient();

        await (await client.GetAsync("/_matrix/key/v2/query/remote.test?minimum_valid_until_ts=soon")).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await client.PostAsync("/_matrix/key/v2/query", TestHost.JsonContent("{\"server_keys\": []}"))).ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        await (await client.PostAsync("/_matrix/key/v2/query", TestHost.JsonContent("{\"server_keys\": {\"a.test\": {\"ed25519:1\": {\"minimum_valid_until_ts\": \"x\"}}}}")))
            .ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        (await client.PostAsync("/_matrix/key/v2/query", TestHost.JsonContent("{\"server_keys\": {}}"))).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
