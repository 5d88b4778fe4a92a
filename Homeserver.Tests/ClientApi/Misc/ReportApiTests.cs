using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.Moderation;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Misc;

/// <summary>Reporting events, rooms and users: stored for moderators, refused where the spec says.</summary>
public class ReportApiTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private IContentReportStore Reports => fixture.Host.Services.GetRequiredService<IContentReportStore>();

    [Fact]
    public async Task Reports_of_events_rooms_and_users_are_stored_with_their_reason()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "rep");
        var bob = await RoomUser.RegisterAsync(fixture.Client, "rep");
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.MembershipAsync(roomId, "join");
        var eventId = await alice.SendMessageAsync(roomId, "rude");

        await bob.OkAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/report/{Esc(eventId)}", new JsonObject { ["reason"] = "rude", ["score"] = -100 });
        await bob.OkAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/report", new JsonObject { ["reason"] = "spam room" });
        await bob.OkAsync(HttpMethod.Post, $"/users/{Esc(alice.UserId)}/report", new JsonObject { ["reason"] = "" });

        var recent = (await Reports.ListRecentAsync(50, CancellationToken.None)).Where(r => r.Reporter == bob.UserId).ToList();
        recent.Should().HaveCount(3);
        recent.Should().ContainSingle(r => r.EventId == eventId && r.RoomId == roomId && r.Reason == "rude");
        recent.Should().ContainSingle(r => r.EventId == null && r.RoomId == roomId && r.Reason == "spam room");
        recent.Should().ContainSingle(r => r.TargetUserId == alice.UserId && r.Reason == "");
    }

    [Fact]
    public async Task Event_reports_need_membership_and_bad_bodies_are_refused()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "rep");
        var eve = await RoomUser.RegisterAsync(fixture.Client, "rep");
        var roomId = await alice.CreateRoomAsync(new JsonObject());
        var eventId = await alice.SendMessageAsync(roomId, "private");

        await (await eve.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/report/{Esc(eventId)}", new JsonObject { ["reason"] = "x" }))
            .ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await alice.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/report/{Esc("$missing")}", new JsonObject()))
            .ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await alice.SendAsync(HttpMethod.Post, $"/rooms/{Esc("!nope:test.example")}/report", new JsonObject { ["reason"] = "x" }))
            .ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await alice.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/report", new JsonObject()))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await alice.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/report", new JsonObject { ["reason"] = 5 }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await alice.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/report", new JsonObject { ["reason"] = new string('x', 2001) }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Post, "/users/not-a-user/report", new JsonObject { ["reason"] = "x" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        (await Reports.ListRecentAsync(100, CancellationToken.None)).Should().NotContain(r => r.Reporter == eve.UserId || r.Reporter == alice.UserId);
    }
}
