using System.Text.Json.Nodes;
using Homeserver.Cli;
using Homeserver.Tests.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.Cli;

public sealed class RouteTableTests
{
    [Fact]
    public async Task The_route_table_lists_each_method_and_pattern_of_the_running_server()
    {
        using var host = new TestHost();
        _ = host.Server; // starts the host
        var output = new StringWriter();

        (await RouteTable.WriteAsync([host.Services.GetRequiredService<EndpointDataSource>()], null, output)).Should().Be(0);

        var routes = JsonNode.Parse(output.ToString())!.AsArray().Select(r => ((string)r!["method"]!, (string)r["path"]!)).ToList();
        routes.Should().Contain(("GET", "/_matrix/client/v3/sync"));
        routes.Should().Contain(("PUT", "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}"));
        routes.Should().OnlyHaveUniqueItems();
    }
}
