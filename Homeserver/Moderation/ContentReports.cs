using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Rooms;
using Homeserver.Storage.Moderation;

namespace Homeserver.Moderation;

/// <summary>
/// Reports of events, rooms and users (<c>/rooms/{roomId}/report[/{eventId}]</c>, <c>/users/{userId}/report</c>), kept
/// for the server's moderators. An event can be reported only by a member who can see it; whether a reported user
/// exists is not disclosed.
/// </summary>
public sealed class ContentReports(IContentReportStore reports, RoomStateReader reader, HistoryVisibility visibility, TimeProvider time)
{
    /// <summary>Longest reason kept, in characters.</summary>
    public const int MaxReasonLength = 2000;

    public async Task ReportEventAsync(string reporter, string roomId, string eventId, string? reason, CancellationToken cancellationToken)
    {
        var ev = await reader.Store.GetEventAsync(eventId, cancellationToken);
        if (ev is null || ev.RoomId != roomId
            || await reader.GetMembershipAsync(roomId, reporter, cancellationToken) != "join"
            || !await visibility.CanSeeAsync(reporter, ev, cancellationToken))
            throw MatrixException.NotFound("The event was not found or you are not joined to its room.");
        await AddAsync(reporter, roomId, eventId, null, reason ?? "", cancellationToken);
    }

    public async Task ReportRoomAsync(string reporter, string roomId, string reason, CancellationToken cancellationToken)
    {
        if (await reader.Store.GetRoomAsync(roomId, cancellationToken) is null)
            throw MatrixException.NotFound("Unknown room.");
        await AddAsync(reporter, roomId, null, null, reason, cancellationToken);
    }

    public Task ReportUserAsync(string reporter, string userId, string reason, CancellationToken cancellationToken)
    {
        if (!UserId.IsValid(userId))
            throw MatrixException.InvalidParam("Invalid user id.");
        return AddAsync(reporter, null, null, userId, reason, cancellationToken);
    }

    private Task AddAsync(string reporter, string? roomId, string? eventId, string? userId, string reason, CancellationToken cancellationToken)
    {
        if (reason.Length > MaxReasonLength)
            throw MatrixException.InvalidParam($"The reason may have at most {MaxReasonLength} characters.");
        return reports.AddAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), reporter, roomId, eventId, userId, reason, cancellationToken);
    }
}
