using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Tests.Http;

/// <summary>
/// The homeserver in memory for HTTP tests: the real Program started from a config file in a temporary
/// folder (with its SQLite database there), a test configuration object, a manual clock and the
/// <see cref="TestEndpoints"/>. The one place to adapt when Program changes how it obtains its services.
/// </summary>
public sealed class TestHost : WebApplicationFactory<Program>
{
    public const string ServerName = "test.example";

    /// <summary>A host whose configuration is adjusted before it starts.</summary>
    public static TestHost With(Action<HomeserverConfig> configure)
    {
        var host = new TestHost();
        configure(host.Config);
        return host;
    }

    public HomeserverConfig Config { get; } = new() { ServerName = ServerName };

    /// <summary>Small limits so the size and depth tests stay small.</summary>
    public MatrixHttpOptions HttpOptions { get; } = new() { MaxJsonBodyBytes = 4096, MaxJsonDepth = 8 };

    private readonly Cli.TempFolder _folder = new();

    public ManualTimeProvider Time { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>
    /// Other servers' keys as the test registers them (and those of hosts on <see cref="Network"/>), used as
    /// the host's <see cref="Homeserver.Federation.Rooms.IServerKeys"/> unless <see cref="UseTestServerKeys"/> is off.
    /// </summary>
    public ServerApi.MutableServerKeys RemoteKeys { get; } = new();

    /// <summary>Off: the host fetches keys the way the product does.</summary>
    public bool UseTestServerKeys { get; set; } = true;

    /// <summary>Last word on the host's services (for example a recording fake of a federation service).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Set by <see cref="ServerApi.InMemoryFederationNetwork"/>: the host's federation client talks to the network's hosts.</summary>
    public ServerApi.InMemoryFederationNetwork? Network { get; set; }

    /// <summary>Issues an access token for a user as login would, returning the token.</summary>
    public async Task<string> AddTokenAsync(string userId, string deviceId, long? expiresAtMs = null, bool isGuest = false)
    {
        var token = "syt_" + Guid.NewGuid().ToString("N");
        var tokens = Services.GetRequiredService<IAccessTokenStore>();
        await tokens.AddAsync(AccessTokenAuthenticator.HashToken(token), new AccessTokenRecord(userId, deviceId, expiresAtMs, isGuest), CancellationToken.None);
        return token;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var configPath = _folder["homeserver.yaml"];
        File.WriteAllText(configPath, $"server_name: {Config.ServerName}\n");
        builder.UseSetting("config", configPath);
        builder.UseEnvironment("Production");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Config);
            services.AddSingleton(HttpOptions);
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<IStartupFilter, TestEndpoints>();
            services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter, RawTargetFromHeader>());
            if (UseTestServerKeys)
            {
                RemoteKeys.Network = Network;
                services.AddSingleton<Homeserver.Federation.Rooms.IServerKeys>(RemoteKeys);
            }
            if (Network is { } network)
                services.AddSingleton<Homeserver.Federation.Transport.IFederationClient>(sp =>
                    new ServerApi.InMemoryFederationClient(network, sp.GetRequiredService<Homeserver.Federation.Rooms.ServerIdentity>()));
            ConfigureServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? accessToken = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (accessToken is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    public static ByteArrayContent JsonContent(string json) => JsonContent(Encoding.UTF8.GetBytes(json));

    public static ByteArrayContent JsonContent(byte[] utf8)
    {
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}

public static class HttpResponseJsonExtensions
{
    public static async Task<JsonObject> ReadJsonObjectAsync(this HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return node.Should().BeOfType<JsonObject>().Subject;
    }

    /// <summary>Asserts a Matrix standard error response and returns its body.</summary>
    public static async Task<JsonObject> ShouldBeMatrixErrorAsync(this HttpResponseMessage response, int status, string errcode)
    {
        ((int)response.StatusCode).Should().Be(status);
        var body = await response.ReadJsonObjectAsync();
        body["errcode"]!.GetValue<string>().Should().Be(errcode);
        body["error"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        return body;
    }
}
