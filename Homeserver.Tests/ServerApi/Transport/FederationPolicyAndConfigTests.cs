using Homeserver.Configuration;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.FederationApi;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.ServerApi.Transport;

public class FederationPolicyAndConfigTests
{
    [Fact]
    public void Without_a_whitelist_every_server_not_denied_is_allowed()
    {
        var policy = new ConfiguredFederationPolicy(null, ["evil.test", "port.test:8448"]);

        policy.IsAllowed("good.test").Should().BeTrue();
        policy.IsAllowed("evil.test").Should().BeFalse();
        policy.IsAllowed("EVIL.test").Should().BeFalse("DNS names are case-insensitive");
        policy.IsAllowed("evil.test:1234").Should().BeFalse("an entry without port covers every port");
        policy.IsAllowed("port.test:8448").Should().BeFalse();
        policy.IsAllowed("port.test:9000").Should().BeTrue();
    }

    [Fact]
    public void With_a_whitelist_only_listed_servers_are_allowed_and_the_denylist_still_wins()
    {
        var policy = new ConfiguredFederationPolicy(["friend.test", "both.test"], ["both.test"]);

        policy.IsAllowed("friend.test").Should().BeTrue();
        policy.IsAllowed("friend.test:8448").Should().BeTrue();
        policy.IsAllowed("stranger.test").Should().BeFalse();
        policy.IsAllowed("both.test").Should().BeFalse();
        new ConfiguredFederationPolicy([], []).IsAllowed("anyone.test").Should().BeFalse("an empty whitelist federates with nobody");
    }

    [Fact]
    public async Task The_client_never_contacts_a_denied_destination()
    {
        using var key = SigningKey.Generate();
        var resolver = new CountingResolver();
        using var client = new FederationHttpClient(new ServerIdentity("self.test", key), resolver,
            new ConfiguredFederationPolicy(null, ["evil.test"]), new FederationClientOptions(), NullLogger<FederationHttpClient>.Instance);

        var denied = () => client.GetJsonAsync("evil.test", "/_matrix/federation/v1/version", CancellationToken.None);
        var self = () => client.GetJsonAsync("self.test", "/_matrix/federation/v1/version", CancellationToken.None);
        var invalid = () => client.GetJsonAsync("not valid", "/_matrix/federation/v1/version", CancellationToken.None);

        (await denied.Should().ThrowAsync<FederationRequestException>()).Which.ErrorCode.Should().Be("M_FORBIDDEN");
        await self.Should().ThrowAsync<FederationRequestException>();
        await invalid.Should().ThrowAsync<FederationRequestException>();
        resolver.Calls.Should().Be(0);
    }

    private sealed class CountingResolver : IServerNameResolver
    {
        public int Calls { get; private set; }

        public Task<ResolvedServer> ResolveAsync(string serverName, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new ResolvedServer("127.0.0.1", 1, serverName));
        }
    }

    [Fact]
    public void Federation_options_load_from_yaml_with_their_mappings()
    {
        using var notaryKey = SigningKey.Generate();
        using var oldKey = SigningKey.Generate();
        var yaml = $$"""
            federation_domain_whitelist: [a.test, b.test]
            federation_domain_denylist: [evil.test]
            federation_address_map: {"a.test": "127.0.0.1:8448", "b.test": "[::1]:9"}
            federation_verify_certificates: false
            trusted_key_servers:
              - server_name: notary.test
                verify_keys: {"{{notaryKey.KeyId}}": "{{notaryKey.PublicKeyBase64}}"}
            old_signing_keys:
              "{{oldKey.KeyId}}": {key: "{{oldKey.PublicKeyBase64}}", expired_ts: 1700000000000}
            key_refresh_interval: 2h
            federation_key_denylist: ["{{oldKey.PublicKeyBase64}}"]
            """;

        var (config, warnings) = ConfigLoader.Parse(yaml, "test.yaml", []);
        ConfigLoader.Normalize(config, Path.GetTempPath());

        warnings.Should().BeEmpty();
        ConfigValidator.Validate(config).Should().BeEmpty();
        config.FederationDomainWhitelist.Should().Equal("a.test", "b.test");
        config.FederationAddressMap.Should().Equal(new Dictionary<string, string> { ["a.test"] = "127.0.0.1:8448", ["b.test"] = "[::1]:9" });
        config.TrustedKeyServers.Single().VerifyKeys[notaryKey.KeyId].Should().Be(notaryKey.PublicKeyBase64);
        config.OldSigningKeys[oldKey.KeyId].ExpiredTs.Should().Be(1_700_000_000_000);
        config.KeyRefreshInterval.Should().Be(TimeSpan.FromHours(2));

        var keyOptions = FederationTransportServiceCollectionExtensions.CreateKeyOptions(config);
        keyOptions.TrustedKeyServers.Single().VerifyKeys.Single().Should().Be(VerifyKey.FromSigningKey(notaryKey));
        keyOptions.OldVerifyKeys[oldKey.KeyId].ValidUntilTs.Should().Be(1_700_000_000_000);
        keyOptions.DeniedKeys.Should().Contain(oldKey.PublicKeyBase64);

        var written = ConfigYamlWriter.Write(config, includeSecrets: true);
        var (reread, _) = ConfigLoader.Parse(written, "written.yaml", []);
        ConfigYamlWriter.Write(reread, includeSecrets: true).Should().Be(written, "the written form reads back the same");
    }

    [Fact]
    public void Invalid_federation_options_are_reported_by_key()
    {
        var yaml = """
            federation_domain_denylist: ["bad name"]
            federation_address_map: {"a.test": "no-port", "bad name": "127.0.0.1:1"}
            federation_custom_ca_list: [/no/such/ca.pem]
            trusted_key_servers: [{server_name: notary.test, verify_keys: {"ed25519:x": "AAAA"}}, {server_name: empty.test}]
            old_signing_keys: {"rsa:1": {key: "AAAA", expired_ts: 0}}
            key_refresh_interval: 30d
            federation_key_denylist: [short]
            """;

        var (config, _) = ConfigLoader.Parse(yaml, "test.yaml", []);
        ConfigLoader.Normalize(config, Path.GetTempPath());
        var errors = ConfigValidator.Validate(config);

        errors.Select(e => e.Split(':')[0]).Should().BeEquivalentTo([
            "federation_domain_denylist[0]", "federation_address_map.a.test", "federation_address_map.bad name", "federation_custom_ca_list[0]",
            "trusted_key_servers[0].verify_keys.ed25519", "trusted_key_servers[1].verify_keys", "old_signing_keys.rsa",
            "old_signing_keys.rsa", "key_refresh_interval", "federation_key_denylist[0]",
        ]);
    }

    [Fact]
    public void Mappings_of_the_wrong_shape_are_binding_errors()
    {
        var act = () => ConfigLoader.Parse("federation_address_map: [a, b]\nold_signing_keys: {\"ed25519:a\": 5}\n", "test.yaml", []);

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain("federation_address_map").And.Contain("old_signing_keys.ed25519:a");
    }
}
