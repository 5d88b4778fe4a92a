using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.Misc;

/// <summary>POST /user_directory/search through HTTP: who is found, with which profile, and bad requests.</summary>
public class UserDirectoryApiTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    [Fact]
    public async Task Room_mates_are_found_with_their_profile_and_strangers_are_not()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "dirsearch");
        var bob = await RoomUser.RegisterAsync(fixture.Client, "dirsearch");
        var stranger = await RoomUser.RegisterAsync(fixture.Client, "dirsearch");
        var tag = Guid.NewGuid().ToString("N")[..10];
        await bob.OkAsync(HttpMethod.Put, $"/profile/{RoomUser.Esc(bob.UserId)}/displayname", new JsonObject { ["displayname"] = $"Bob {tag}" });
        await stranger.OkAsync(HttpMethod.Put, $"/profile/{RoomUser.Esc(stranger.UserId)}/displayname", new JsonObject { ["displayname"] = $"Stranger {tag}" });
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.MembershipAsync(roomId, "join");

        var found = (await alice.OkAsync(HttpMethod.Post, "/user_directory/search", new JsonObject { ["search_term"] = tag })).AsObject();
        found["results"]!.AsArray().Select(r => (string)r!["user_id"]!).Should().Equal(bob.UserId);
        ((string)found["results"]![0]!["display_name"]!).Should().Be($"Bob {tag}");
        ((bool)found["limited"]!).Should().BeFalse();

        var limited = (await alice.OkAsync(HttpMethod.Post, "/user_directory/search", new JsonObject { ["search_term"] = "dirsearch", ["limit"] = 1 })).AsObject();
        limited["results"]!.AsArray().Should().HaveCount(1);
        ((bool)limited["limited"]!).Should().BeTrue();

        await (await alice.SendAsync(HttpMethod.Post, "/user_directory/search", new JsonObject())).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await alice.SendAsync(HttpMethod.Post, "/user_directory/search", new JsonObject { ["search_term"] = 1 })).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await alice.SendAsync(HttpMethod.Post, "/user_directory/search", new JsonObject { ["search_term"] = "x", ["limit"] = -1 }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }
}
