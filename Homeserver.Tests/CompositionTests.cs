using Homeserver.Federation.Rooms;
using Homeserver.Storage.Events;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests;

/// <summary>The composition root (Program) wires every service the server is built from.</summary>
public class CompositionTests
{
    [Fact]
    public async Task The_running_server_can_create_a_room_through_its_pipeline_and_store()
    {
        using var host = new TestHost();
        var pipeline = host.Services.GetRequiredService<RoomEventPipeline>();
        var identity = host.Services.GetRequiredService<ServerIdentity>();
        identity.ServerName.Should().Be(TestHost.ServerName);

        var created = await pipeline.CreateRoomAsync(Federation.RoomVersions.RoomVersion.V12, "@alice:" + TestHost.ServerName, null, CancellationToken.None);

        var store = host.Services.GetRequiredService<IRoomEventStore>();
        var room = await store.GetRoomAsync(created.RoomId, CancellationToken.None);
        room.Should().NotBeNull();
        room!.RoomVersion.Should().Be("12");
    }
}
