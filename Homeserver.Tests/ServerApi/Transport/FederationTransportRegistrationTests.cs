using Homeserver.Federation.Keys;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.FederationApi;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Transport;

public class FederationTransportRegistrationTests
{
    [Fact]
    public void The_product_fetches_keys_sends_over_https_and_applies_the_configured_policy()
    {
        using var host = TestHost.With(c => c.FederationDomainDenylist.Add("evil.test"));
        host.UseTestServerKeys = false;

        host.Services.GetRequiredService<IServerKeys>().Should().BeOfType<RemoteServerKeys>();
        host.Services.GetRequiredService<IFederationClient>().Should().BeOfType<FederationHttpClient>();
        var policy = host.Services.GetRequiredService<IFederationPolicy>();
        policy.Should().BeOfType<ConfiguredFederationPolicy>();
        policy.IsAllowed("evil.test").Should().BeFalse();
        policy.IsAllowed("good.test").Should().BeTrue();
    }

    [Fact]
    public void A_test_hosts_own_server_keys_still_win()
    {
        using var host = new TestHost();

        host.Services.GetRequiredService<IServerKeys>().Should().BeSameAs(host.RemoteKeys);
    }
}
