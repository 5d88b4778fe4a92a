using Homeserver.Configuration;

// Composition root. Configuration loading, first-run generation and the CLI subcommands
// are being built (issue 2); for now this starts with defaults.
var builder = WebApplication.CreateBuilder(args);
var config = new HomeserverConfig();
builder.Services.AddSingleton(config);

var app = builder.Build();
app.Run();

/// <summary>Entry point type, public for WebApplicationFactory.</summary>
public partial class Program;
