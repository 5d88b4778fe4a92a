using Homeserver.Accounts;
using Homeserver.Cli;
using Homeserver.E2ee;
using Homeserver.FederationApi;
using Homeserver.FederationApi.Edus;
using Homeserver.Federation.History;
using Homeserver.Federation.Membership;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Sending;
using Homeserver.ClientApi;
using Homeserver.FederationQueries;
using Homeserver.Hosting;
using Homeserver.Http;
using Homeserver.Relations;
using Homeserver.KeyBackup;
using Homeserver.Media;
using Homeserver.Notifications;
using Homeserver.Rooms;
using Homeserver.Spaces;
using Homeserver.Search;
using Homeserver.Storage;
using Homeserver.Sync;
using Homeserver.ToDevice;
using Homeserver.UserData;

// Composition root: run a CLI subcommand, or prepare the configuration (writing a new one on first
// run), open the database and run the server. WebApplicationFactory<Program> passes its settings to
// this entry point as "--key=value" arguments, so tests select the config file with
// builder.UseSetting("config", path), the same as "--config=path"; unknown "--key=value" arguments
// go on to the ASP.NET Core host.
var command = CommandLine.Parse(args);
var environment = Environment.GetEnvironmentVariables();
if (command.Kind is not (CommandKind.Run or CommandKind.Routes))
    return await CliCommands.RunAsync(command, environment, Console.In, Console.Out, Console.Error);

var server = ServerSetup.Prepare(command, environment, Console.Out, Console.Error);
if (server is null) return 1;

// The database opens and migrates on another thread while the host is built and the endpoints mapped; it is awaited
// before anything is served (a service that needs it earlier waits for it).
var opening = OpeningDatabase.Start(server.Config, Console.Error);
var builder = WebApplication.CreateBuilder(command.HostArgs.ToArray());
builder.AddHomeserverHosting(server);
builder.Services.AddHomeserverStorage(opening);
builder.Services.AddSingleton(new ServerIdentity(server.Config.ServerName, server.SigningKey));
builder.Services.AddRoomEventPipeline();
builder.Services.AddFederationTransport();
builder.Services.AddMatrixHttp();
builder.Services.AddUserData();
builder.Services.AddAccounts();
builder.Services.AddRooms();
builder.Services.AddSpaces();
builder.Services.AddSync();
builder.Services.AddMembershipFederation();
builder.Services.AddRelations();
builder.Services.AddSingleton<Homeserver.Moderation.ContentReports>();
builder.Services.AddSingleton<Homeserver.Voip.TurnCredentials>();
builder.Services.AddToDevice();
builder.Services.AddKeyBackup();
builder.Services.AddE2eeKeys();
builder.Services.AddFederationEdus();
builder.Services.AddMedia();
builder.Services.AddNotifications();
builder.Services.AddSearch();
builder.Services.AddFederationSending();
builder.Services.AddFederationHistory();
builder.Services.AddFederationQueries();

var app = builder.Build();
app.UseHomeserverListeners();
app.UseMatrixHttp();
app.MapClientBasics();
app.MapProfileApi();
app.MapFilterApi();
app.MapAccountDataApi();
app.MapTagsApi();
app.MapCapabilitiesApi();
app.MapPushRulesApi();
app.MapPushersApi();
app.MapNotificationsApi();
app.MapAccountsApi();
app.MapCreateRoomApi();
app.MapRoomEventsApi();
app.MapRoomMembershipApi();
app.MapRoomUpgradeApi();
app.MapTimestampToEventApi();
app.MapRoomDirectoryApi();
app.MapSyncApi();
app.MapRoomMessagesApi();
app.MapEventContextApi();
app.MapTypingApi();
app.MapReceiptsApi();
app.MapReadMarkersApi();
app.MapPresenceApi();
app.MapRelationsApi();
app.MapPublicRoomsApi();
app.MapSpaceHierarchyApi();
app.MapRoomSummaryApi();
app.MapReportApi();
app.MapVoipApi();
app.MapThirdPartyApi();
app.MapOpenIdApi();
app.MapUserDirectoryApi();
app.MapSendToDeviceApi();
app.MapKeyBackupApi();
app.MapKeysApi();
app.MapUserKeysFederationApi();
app.MapCrossSigningApi();
app.MapDehydratedDeviceApi();
app.MapMediaApi();
app.MapSearchApi();
app.MapTransactionFederationApi();
app.MapHistoryFederationApi();
app.MapQueryFederationApi();
app.MapPublicRoomsFederationApi();
app.MapHierarchyFederationApi();
app.MapMediaFederationApi();
app.MapMembershipFederationApi();
app.MapKeyServerApi();
app.MapVersionFederationApi();

await using var database = await opening.OpenedAsync();
if (database is null) return 1;
if (command.Kind == CommandKind.Routes)
    return await RouteTable.WriteAsync(app, command.Output, Console.Out);
return await app.RunHomeserverAsync(server, Console.Error);

/// <summary>Entry point type, public for WebApplicationFactory.</summary>
public partial class Program;
