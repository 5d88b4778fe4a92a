using System.Net;
using System.Security.Cryptography.X509Certificates;
using Homeserver.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Homeserver.Hosting;

/// <summary>Opens one Kestrel endpoint per configured listener address, tagging its connections with the listener.</summary>
public static class KestrelListeners
{
    public static void Configure(KestrelServerOptions options, HomeserverConfig config, IReadOnlyDictionary<int, X509Certificate2> certificates)
    {
        options.AddServerHeader = false;
        options.Limits.MaxRequestBodySize = config.MaxUploadSize;
        for (var i = 0; i < config.Listeners.Count; i++)
        {
            var index = i;
            var listener = config.Listeners[i];
            foreach (var address in listener.BindAddresses)
            {
                options.Listen(IPAddress.Parse(address), listener.Port, endpoint =>
                {
                    endpoint.Use(next => connection =>
                    {
                        connection.Features.Set(new ListenerFeature(index));
                        return next(connection);
                    });
                    if (certificates.TryGetValue(index, out var certificate)) endpoint.UseHttps(certificate);
                });
            }
        }
    }

    /// <summary>The URLs the listeners answer on, such as <c>http://127.0.0.1:8008</c> and <c>https://[::1]:8448</c>.</summary>
    public static IEnumerable<(string Url, ListenerConfig Listener)> Urls(HomeserverConfig config) =>
        config.Listeners.SelectMany(l => l.BindAddresses.Select(a =>
        {
            var host = IPAddress.TryParse(a, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]" : a;
            return ($"{(l.Tls ? "https" : "http")}://{host}:{l.Port}", l);
        }));
}
