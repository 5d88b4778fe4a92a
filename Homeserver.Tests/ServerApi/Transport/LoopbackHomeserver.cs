using System.Collections;
using System.Text.Json.Nodes;
using Homeserver.Cli;
using Homeserver.Federation.Rooms;
using Homeserver.FederationApi;
using Homeserver.Hosting;
using Homeserver.Http;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Transport;

/// <summary>
/// A homeserver on a real loopback TLS port, composed like Program for federation: the config file
/// (listeners, federation options), hosting, SQLite storage, the Matrix HTTP pipeline, the key API and
/// federation transport; plus <see cref="WhoAmIPath"/>, an endpoint that requires X-Matrix authentication.
/// </summary>
internal sealed class LoopbackHomeserver : IAsyncDisposable
{
    public const string WhoAmIPath = "/_matrix/federation/v1/test/whoami";

    private readonly WebApplication _app;
    private readonly IDatabase _database;

    private LoopbackHomeserver(WebApplication app, IDatabase database)
    {
        _app = app;
        _database = database;
    }

    public IServiceProvider Services => _app.Services;

    public static async Task<LoopbackHomeserver> StartAsync(string configPath)
    {
        var server = ServerSetup.Prepare(CommandLine.Parse(["--config", configPath]), new Hashtable(), TextWriter.Null, Console.Error)
                     ?? throw new InvalidOperationException($"the config {configPath} did not load");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Path.GetDirectoryName(configPath) });
        builder.AddHomeserverHosting(server);
        var database = await StorageSetup.OpenAsync(server.Config, Console.Error) ?? throw new InvalidOperationException("no database");
        builder.Services.AddHomeserverStorage(database);
        builder.Services.AddSingleton(new ServerIdentity(server.Config.ServerName, server.SigningKey));
        builder.Services.AddRoomEventPipeline();
        builder.Services.AddFederationTransport();
        builder.Services.AddMatrixHttp();
        var app = builder.Build();
        app.UseHomeserverListeners();
        app.UseMatrixHttp();
        app.MapKeyServerApi();
        app.MapVersionFederationApi();
        app.MapPost(WhoAmIPath, (FederationRequest request) => new JsonObject { ["origin"] = request.Origin, ["body"] = request.Body?.DeepClone() })
            .RequireFederationAuth();
        await app.StartAsync();
        return new LoopbackHomeserver(app, database);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}
