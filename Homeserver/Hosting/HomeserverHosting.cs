using Homeserver.Configuration;
using Microsoft.Extensions.Logging;

namespace Homeserver.Hosting;

/// <summary>The host set-up that comes from the configuration: services, logging, Kestrel listeners and the run loop.</summary>
public static class HomeserverHosting
{
    /// <summary>Registers the config, signing key and <see cref="ListenerResources"/>, console logging at <c>log_level</c>, and the listeners.</summary>
    public static WebApplicationBuilder AddHomeserverHosting(this WebApplicationBuilder builder, PreparedServer server)
    {
        var config = server.Config;
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(server.Loaded);
        builder.Services.AddSingleton(server.SigningKey);
        builder.Services.AddSingleton(new ListenerResources(config.Listeners));
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = config.ShutdownTimeout);

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(config.LogLevel);
        // ASP.NET Core logs every request at Information; keep that for Debug and below.
        builder.Logging.AddFilter("Microsoft.AspNetCore", config.LogLevel <= LogLevel.Debug ? config.LogLevel : LogLevel.Warning);
        // Npgsql logs every command at Information: only at Debug is that wanted.
        builder.Logging.AddFilter("Npgsql", config.LogLevel <= LogLevel.Debug ? config.LogLevel : LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(options => KestrelListeners.Configure(options, config, server.Certificates));
        return builder;
    }

    /// <summary>
    /// The per-listener middleware; put it first in the pipeline: the client address of <c>x_forwarded</c>
    /// listeners, then the refusal of APIs a listener does not serve.
    /// </summary>
    public static IApplicationBuilder UseHomeserverListeners(this IApplicationBuilder app) =>
        app.UseMiddleware<ForwardedClientMiddleware>().UseMiddleware<ListenerResourceMiddleware>();

    /// <summary>Runs until shut down; returns the process exit code (1 when a listener cannot open its port).</summary>
    public static async Task<int> RunHomeserverAsync(this WebApplication app, PreparedServer server, TextWriter stderr)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Homeserver");
        var config = server.Config;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Log.Started(logger, config.ServerName, server.Loaded.Path);
            foreach (var (url, listener) in KestrelListeners.Urls(config))
                Log.Listening(logger, url, string.Join(", ", listener.Resources));
        });
        app.Lifetime.ApplicationStopping.Register(() => Log.Stopping(logger, config.ServerName));
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException e)
        {
            // Kestrel reports a port in use or an address it cannot bind as IOException.
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
