using System.Text.Json.Nodes;
using Homeserver.Federation.Keys;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.ServerApi.Transport;

/// <summary>
/// Two homeservers, a.test and b.test, federating over real sockets on loopback with TLS certificates from
/// a private authority that each trusts through <c>federation_custom_ca_list</c>, found through
/// <c>federation_address_map</c>: keys are fetched and signed requests verified in both directions.
/// </summary>
public sealed class LoopbackTlsFederationTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TestCertificates _authority = new("Federation Test CA");

    public void Dispose()
    {
        _authority.Dispose();
        _folder.Dispose();
    }

    private string WriteConfig(string serverName, int port, IReadOnlyDictionary<string, int> peers)
    {
        var folder = _folder[serverName];
        Directory.CreateDirectory(folder);
        _authority.WriteServerCertificate(serverName, Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"));
        var map = string.Join(", ", peers.Select(p => $"\"{p.Key}\": \"127.0.0.1:{p.Value}\""));
        var path = Path.Combine(folder, "homeserver.yaml");
        File.WriteAllText(path, $$"""
            server_name: {{serverName}}
            listeners: [{port: {{port}}, tls: true, tls_certificate_path: cert.pem, tls_private_key_path: key.pem}]
            federation_address_map: {{{map}}}
            federation_custom_ca_list: [../ca.pem]
            log_level: Warning
            """);
        return path;
    }

    [Fact]
    public async Task Two_servers_fetch_each_others_keys_and_verify_signed_requests_over_tls()
    {
        _authority.WriteAuthorityPem(_folder["ca.pem"]);
        int portA = FreePort.Next(), portB = FreePort.Next();
        await using var a = await LoopbackHomeserver.StartAsync(WriteConfig("a.test", portA, new Dictionary<string, int> { ["b.test"] = portB }));
        await using var b = await LoopbackHomeserver.StartAsync(WriteConfig("b.test", portB, new Dictionary<string, int> { ["a.test"] = portA }));
        var keyOfB = VerifyKey.FromSigningKey(b.Services.GetRequiredService<ServerIdentity>().SigningKey);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // A fetches B's key from B itself, over TLS.
        var fetched = await a.Services.GetRequiredService<IServerKeys>().GetVerifyKeysAsync("b.test", [keyOfB.KeyId], now, CancellationToken.None);
        fetched[keyOfB.KeyId].PublicKey.Should().Equal(keyOfB.PublicKey);

        // A signed request from A: B fetches A's key over TLS to verify it, and the handler sees A and the body.
        var client = a.Services.GetRequiredService<IFederationClient>();
        var answer = await client.PostJsonAsync("b.test", LoopbackHomeserver.WhoAmIPath, new JsonObject { ["hello"] = "b" }, CancellationToken.None);
        answer!["origin"]!.GetValue<string>().Should().Be("a.test");
        answer["body"]!["hello"]!.GetValue<string>().Should().Be("b");

        // B as a notary for A's keys: the answer carries A's self-signature and B's countersignature.
        var query = await client.PostJsonAsync("b.test", "/_matrix/key/v2/query",
            new JsonObject { ["server_keys"] = new JsonObject { ["a.test"] = new JsonObject() } }, CancellationToken.None);
        var entry = query!["server_keys"]!.AsArray().Single()!.AsObject();
        ServerKeyResponseValidator.TryValidate(entry, "a.test", now, out _, out var error).Should().BeTrue(error);
        JsonSignatureVerifier.Verify(entry, "b.test", [keyOfB]).IsValid.Should().BeTrue();

        (await client.GetJsonAsync("b.test", "/_matrix/federation/v1/version", CancellationToken.None))!["server"]!["name"]!
            .GetValue<string>().Should().Be("Messenger");
        var unknown = () => client.GetJsonAsync("b.test", "/_matrix/federation/v1/no/such/endpoint", CancellationToken.None);
        var error404 = (await unknown.Should().ThrowAsync<FederationRequestException>()).Which;
        (error404.StatusCode, error404.ErrorCode).Should().Be((404, "M_UNRECOGNIZED"));
    }

    [Fact]
    public async Task A_certificate_from_an_untrusted_authority_or_for_another_name_is_refused()
    {
        _authority.WriteAuthorityPem(_folder["ca.pem"]);
        var portB = FreePort.Next();
        await using var b = await LoopbackHomeserver.StartAsync(WriteConfig("b.test", portB, new Dictionary<string, int>()));
        using var otherAuthority = new TestCertificates("Other CA");
        using var key = SigningKey.Generate();

        Task<JsonNode?> Version(string serverName, TestCertificates trusted)
        {
            var options = new FederationClientOptions
            {
                AddressMap = new Dictionary<string, string> { [serverName] = $"127.0.0.1:{portB}" },
                CustomCertificateAuthorities = [trusted.Authority],
            };
            var resolver = new ServerNameResolver(options, new DnsSrvLookup(), new HttpWellKnownFetcher(options), TimeProvider.System,
                NullLogger<ServerNameResolver>.Instance);
            var client = new FederationHttpClient(new ServerIdentity("a.test", key), resolver, new AllowAllFederationPolicy(), options,
                NullLogger<FederationHttpClient>.Instance);
            return client.GetJsonAsync(serverName, "/_matrix/federation/v1/version", CancellationToken.None);
        }

        async Task<FederationRequestException> Refused(string serverName, TestCertificates trusted)
        {
            var act = () => Version(serverName, trusted);
            return (await act.Should().ThrowAsync<FederationRequestException>()).Which;
        }

        (await Version("b.test", _authority))!["server"].Should().NotBeNull("the same set-up with the right authority and name works");
        (await Refused("b.test", otherAuthority)).IsUnreachable.Should().BeTrue("b.test's certificate is not from a trusted authority");
        (await Refused("c.test", _authority)).IsUnreachable.Should().BeTrue("the certificate names b.test, not c.test");
    }
}
