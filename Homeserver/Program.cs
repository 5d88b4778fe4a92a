using Homeserver.ClientApi;
using Homeserver.Configuration;
using Homeserver.Http;

// Composition root. Configuration loading, first-run generation and the CLI subcommands
// are being built (issue 2); for now this starts with defaults.
var builder = WebApplication.CreateBuilder(args);
var config = new HomeserverConfig();
builder.Services.AddSingleton(config);
builder.Services.AddMatrixHttp();

var app = builder.Build();
app.UseMatrixHttp();
app.MapClientBasics();
app.Run();

/// <summary>Entry point type, public for WebApplicationFactory.</summary>
public partial class Program;
