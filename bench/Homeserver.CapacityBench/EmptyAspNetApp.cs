using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.CapacityBench;

/// <summary>
/// The memory and start-up baseline: an ASP.NET Core app with nothing but a
/// <c>GET /_matrix/client/versions</c> endpoint, run as its own process like the server.
/// </summary>
public static class EmptyAspNetApp
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var body = new JsonObject { ["versions"] = new JsonArray("v1.19") }.ToJsonString();
        app.MapGet("/_matrix/client/versions", () => Results.Text(body, "application/json"));
        await app.RunAsync();
    }
}
