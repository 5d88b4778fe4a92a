using System.Text.Json.Nodes;
using Homeserver.Federation.Sending;
using Homeserver.Federation.Transport;
using Homeserver.Tests.Http;
using Homeserver.Tests.ServerApi.Receiving;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Sending;

/// <summary>Two real hosts on an <see cref="InMemoryFederationNetwork"/>: one's sender, the other's <c>/send</c> endpoint.</summary>
public sealed class TwoHostTransactionTests
{
    [Fact]
    public async Task An_edu_queued_on_one_host_reaches_the_handler_on_the_other_and_waits_out_an_outage()
    {
        var received = new TransactionReceiverTests.RecordingEduHandler("org.example.ping");
        var options = new FederationSenderOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(100) };
        using var a = TestHost.With(c => c.ServerName = "a.test");
        using var b = TestHost.With(c => c.ServerName = "b.test");
        a.ConfigureServices = s => s.AddSingleton(options);
        b.ConfigureServices = s => s.AddSingleton<IEduHandler>(received);
        var network = InMemoryFederationNetwork.Connect(a, b);
        _ = b.Services;
        var sender = a.Services.GetRequiredService<IFederationSender>();

        sender.QueueEdu("b.test", "org.example.ping", new JsonObject { ["n"] = 1 });
        await Eventually.WaitUntilAsync(() => received.Received.Count == 1, "b receives the first EDU");
        network.SetReachable("b.test", false);
        sender.QueueEdu("b.test", "org.example.ping", new JsonObject { ["n"] = 2 });
        await Task.Delay(200);
        received.Received.Should().HaveCount(1, "b is unreachable");
        network.SetReachable("b.test", true);

        await Eventually.WaitUntilAsync(() => received.Received.Count == 2, "b receives the second EDU after the outage");
        received.Received.Select(r => (r.Origin, r.Content["n"]!.GetValue<int>())).Should().Equal(("a.test", 1), ("a.test", 2));
    }
}
