using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary>A tiny web site on 127.0.0.1 (a random port) for URL preview tests.</summary>
public sealed class PreviewTestSite : IAsyncLifetime
{
    public static readonly byte[] Image = TestImages.Png(120, 80);

    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public int Port { get; private set; }

    public int Requests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref Requests);
            return next(context);
        });
        app.MapGet("/page", () => Results.Content("""
            <!DOCTYPE html>
            <html><head>
            <title>Fallback title</title>
            <!-- <meta property="og:title" content="commented out"> -->
            <script>var s = "<meta property='og:title' content='in a script'>";</script>
            <meta property="og:title" content="The &amp; Title">
            <meta property='og:description' content='A   page
               about things.'>
            <meta property="og:image" content="/image.png">
            <meta property="og:type" content="article">
            </head><body><p>Hello</p></body></html>
            """, "text/html; charset=utf-8"));
        app.MapGet("/plain", () => Results.Content(
            "<html><head><TITLE>Just a title</TITLE><meta name=description content=\"Described.\"></head></html>", "text/html"));
        app.MapGet("/image.png", () => Results.Bytes(Image, "image/png"));
        app.MapGet("/text", () => Results.Text("plain text", "text/plain"));
        app.MapGet("/big", () => Results.Text("<html>" + new string('x', 200_000) + "</html>", "text/html"));
        app.MapGet("/redirect", () => Results.Redirect("/page"));
        app.MapGet("/redirect-loop", () => Results.Redirect("/redirect-loop"));
        app.MapGet("/redirect-blocked", (HttpContext c) => Results.Redirect($"http://127.0.0.2:{Port}/page"));
        app.MapGet("/broken-image", () => Results.Content("<meta property=\"og:title\" content=\"T\"><meta property=\"og:image\" content=\"http://10.0.0.1/x.png\">", "text/html"));
        await app.StartAsync();
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        BaseUrl = $"http://127.0.0.1:{Port}";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
