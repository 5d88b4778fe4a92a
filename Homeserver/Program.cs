using Homeserver.Cli;
using Homeserver.Hosting;

// Composition root: run a CLI subcommand, or prepare the configuration (writing a new one on first
// run) and run the server. WebApplicationFactory<Program> passes its settings to this entry point as
// "--key=value" arguments, so tests select the config file with builder.UseSetting("config", path),
// the same as "--config=path"; unknown "--key=value" arguments go on to the ASP.NET Core host.
var command = CommandLine.Parse(args);
var environment = Environment.GetEnvironmentVariables();
if (command.Kind != CommandKind.Run)
    return await CliCommands.RunAsync(command, environment, Console.In, Console.Out, Console.Error);

var server = ServerSetup.Prepare(command, environment, Console.Out, Console.Error);
if (server is null) return 1;
var config = server.Config;

var builder = WebApplication.CreateBuilder(command.HostArgs.ToArray());
builder.AddHomeserverHosting(server);
// Storage: register the database for config.Database here (config.Database.ConnectionString()).
// HTTP: builder.Services.AddMatrixHttp(config);

var app = builder.Build();
// Storage: apply the migrations here, before the first request is served.
app.UseHomeserverListeners();
// HTTP: app.UseMatrixHttp(); app.MapClientBasics();

return await app.RunHomeserverAsync(server, Console.Error);

/// <summary>Entry point type, public for WebApplicationFactory.</summary>
public partial class Program;
