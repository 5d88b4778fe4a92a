using System.Text;
using Homeserver.Federation.Transport;
using Homeserver.Tests.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.ServerApi.Transport;

public sealed class ServerNameResolverTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeSrv _srv = new();
    private readonly FakeWellKnown _wellKnown = new();

    private sealed class FakeSrv : ISrvLookup
    {
        public Dictionary<string, List<SrvTarget>> Records { get; } = new();
        public List<string> Asked { get; } = [];

        public Task<IReadOnlyList<SrvTarget>> LookupAsync(string name, CancellationToken cancellationToken)
        {
            Asked.Add(name);
            return Task.FromResult<IReadOnlyList<SrvTarget>>(Records.GetValueOrDefault(name) ?? []);
        }
    }

    private sealed class FakeWellKnown : IWellKnownFetcher
    {
        public Dictionary<string, WellKnownResponse?> Responses { get; } = new();
        public List<string> Asked { get; } = [];

        public Task<WellKnownResponse?> FetchAsync(string hostname, CancellationToken cancellationToken)
        {
            Asked.Add(hostname);
            return Task.FromResult(Responses.GetValueOrDefault(hostname));
        }
    }

    private ServerNameResolver Create(Dictionary<string, string>? addressMap = null) =>
        new(new FederationClientOptions { AddressMap = addressMap ?? [] }, _srv, _wellKnown, _time, NullLogger<ServerNameResolver>.Instance);

    private static WellKnownResponse Delegation(string server, TimeSpan? maxAge = null) =>
        new(200, Encoding.UTF8.GetBytes($"{{\"m.server\": \"{server}\"}}"), maxAge);

    private Task<ResolvedServer> Resolve(string name, ServerNameResolver? resolver = null) =>
        (resolver ?? Create()).ResolveAsync(name, CancellationToken.None);

    [Fact]
    public async Task The_address_map_comes_first_and_keeps_the_server_name_as_host()
    {
        _wellKnown.Responses["a.test"] = Delegation("elsewhere.test");

        var resolved = await Resolve("a.test", Create(new() { ["a.test"] = "127.0.0.1:8443", ["v6.test"] = "[::1]:9000" }));
        var v6 = await Create(new() { ["v6.test"] = "[::1]:9000" }).ResolveAsync("v6.test", CancellationToken.None);

        resolved.Should().Be(new ResolvedServer("127.0.0.1", 8443, "a.test"));
        resolved.TlsName.Should().Be("a.test");
        v6.Should().Be(new ResolvedServer("::1", 9000, "v6.test"));
        _wellKnown.Asked.Should().BeEmpty();
    }

    [Theory]
    [InlineData("1.2.3.4", "1.2.3.4", 8448)]
    [InlineData("1.2.3.4:99", "1.2.3.4", 99)]
    [InlineData("[2001:db8::1]", "2001:db8::1", 8448)]
    [InlineData("[2001:db8::1]:99", "2001:db8::1", 99)]
    public async Task An_ip_literal_is_used_directly_with_the_server_name_as_host(string name, string host, int port)
    {
        (await Resolve(name)).Should().Be(new ResolvedServer(host, port, name));
        _wellKnown.Asked.Should().BeEmpty();
        _srv.Asked.Should().BeEmpty();
    }

    [Fact]
    public async Task An_explicit_port_skips_delegation()
    {
        (await Resolve("example.test:1234")).Should().Be(new ResolvedServer("example.test", 1234, "example.test:1234"));
        _wellKnown.Asked.Should().BeEmpty();
        _srv.Asked.Should().BeEmpty();
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1", 8448, "10.0.0.1")]
    [InlineData("10.0.0.1:5", "10.0.0.1", 5, "10.0.0.1:5")]
    [InlineData("[::1]:5", "::1", 5, "[::1]:5")]
    [InlineData("delegated.test:4443", "delegated.test", 4443, "delegated.test:4443")]
    [InlineData("delegated.test", "delegated.test", 8448, "delegated.test")]
    public async Task Well_known_delegation_is_followed(string delegated, string host, int port, string hostHeader)
    {
        _wellKnown.Responses["example.test"] = Delegation(delegated);

        var resolved = await Resolve("example.test");

        resolved.Should().Be(new ResolvedServer(host, port, hostHeader));
    }

    [Fact]
    public async Task A_delegated_name_without_port_looks_up_matrix_fed_srv_then_matrix_srv()
    {
        _wellKnown.Responses["example.test"] = Delegation("delegated.test");
        _srv.Records["_matrix._tcp.delegated.test"] = [new SrvTarget("old-target.test.", 7000)];
        var resolver = Create();

        (await Resolve("example.test", resolver)).Should().Be(new ResolvedServer("old-target.test", 7000, "delegated.test"));
        _srv.Asked.Should().Equal("_matrix-fed._tcp.delegated.test", "_matrix._tcp.delegated.test");

        _srv.Records["_matrix-fed._tcp.delegated.test"] = [new SrvTarget("backup.test", 1, Priority: 20), new SrvTarget("target.test", 8000, Priority: 10)];
        (await Resolve("example.test", resolver)).Should().Be(new ResolvedServer("target.test", 8000, "delegated.test"));
    }

    [Fact]
    public async Task Without_delegation_srv_of_the_hostname_is_used_then_port_8448()
    {
        _srv.Records["_matrix-fed._tcp.srv.test"] = [new SrvTarget("target.test", 8000)];
        _srv.Records["_matrix._tcp.legacy.test"] = [new SrvTarget("legacy-target.test", 9000)];
        _srv.Records["_matrix-fed._tcp.nothing.test"] = [new SrvTarget(".", 0)];

        (await Resolve("srv.test")).Should().Be(new ResolvedServer("target.test", 8000, "srv.test"));
        (await Resolve("legacy.test")).Should().Be(new ResolvedServer("legacy-target.test", 9000, "legacy.test"));
        (await Resolve("nothing.test")).Should().Be(new ResolvedServer("nothing.test", 8448, "nothing.test"));
    }

    [Theory]
    [InlineData(404, "{\"m.server\": \"delegated.test\"}")]
    [InlineData(200, "not json")]
    [InlineData(200, "{\"m.server\": 5}")]
    [InlineData(200, "{\"m.server\": \"bad name!\"}")]
    [InlineData(200, "{}")]
    [InlineData(200, "[\"m.server\"]")]
    public async Task An_invalid_well_known_answer_falls_through_to_srv(int status, string body)
    {
        _wellKnown.Responses["example.test"] = new WellKnownResponse(status, Encoding.UTF8.GetBytes(body));
        _srv.Records["_matrix-fed._tcp.example.test"] = [new SrvTarget("target.test", 8000)];

        (await Resolve("example.test")).Should().Be(new ResolvedServer("target.test", 8000, "example.test"));
    }

    [Fact]
    public async Task A_delegation_is_cached_for_24_hours_without_cache_headers()
    {
        _wellKnown.Responses["example.test"] = Delegation("delegated.test:1");
        var resolver = Create();
        await Resolve("example.test", resolver);

        _time.Advance(TimeSpan.FromHours(23));
        await Resolve("example.test", resolver);
        _wellKnown.Asked.Should().HaveCount(1);

        _time.Advance(TimeSpan.FromHours(2));
        await Resolve("example.test", resolver);
        _wellKnown.Asked.Should().HaveCount(2);
    }

    [Fact]
    public async Task Cache_control_max_age_is_honoured_up_to_48_hours()
    {
        _wellKnown.Responses["short.test"] = Delegation("delegated.test:1", TimeSpan.FromMinutes(10));
        _wellKnown.Responses["long.test"] = Delegation("delegated.test:1", TimeSpan.FromDays(30));
        var resolver = Create();
        await Resolve("short.test", resolver);
        await Resolve("long.test", resolver);

        _time.Advance(TimeSpan.FromMinutes(11));
        await Resolve("short.test", resolver);
        _wellKnown.Asked.Count(h => h == "short.test").Should().Be(2);

        _time.Advance(TimeSpan.FromHours(47));
        await Resolve("long.test", resolver);
        _wellKnown.Asked.Count(h => h == "long.test").Should().Be(1);
        _time.Advance(TimeSpan.FromHours(2));
        await Resolve("long.test", resolver);
        _wellKnown.Asked.Count(h => h == "long.test").Should().Be(2);
    }

    [Fact]
    public async Task A_failed_well_known_is_cached_for_an_hour()
    {
        var resolver = Create();
        await Resolve("example.test", resolver);

        _time.Advance(TimeSpan.FromMinutes(59));
        await Resolve("example.test", resolver);
        _wellKnown.Asked.Should().HaveCount(1);

        _time.Advance(TimeSpan.FromMinutes(2));
        await Resolve("example.test", resolver);
        _wellKnown.Asked.Should().HaveCount(2);
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("")]
    [InlineData("example.test:99999")]
    public async Task Invalid_names_and_ports_are_unreachable(string name)
    {
        var act = () => Resolve(name);

        (await act.Should().ThrowAsync<FederationRequestException>()).Which.IsUnreachable.Should().BeTrue();
    }
}
