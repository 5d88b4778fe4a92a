using Microsoft.Extensions.Hosting;

namespace Homeserver.Federation.Sending;

/// <summary>Runs the <see cref="FederationSender"/> with the host.</summary>
internal sealed class FederationSenderHostedService(FederationSender sender) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => sender.StartAsync();

    public Task StopAsync(CancellationToken cancellationToken) => sender.StopAsync();
}
