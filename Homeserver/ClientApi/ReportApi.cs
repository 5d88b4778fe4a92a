using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Http.RateLimiting;
using Homeserver.Moderation;

namespace Homeserver.ClientApi;

/// <summary>Reporting content to the server's moderators: events, rooms and users (see <see cref="ContentReports"/>).</summary>
public static class ReportApi
{
    public static IEndpointRouteBuilder MapReportApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPost("/rooms/{roomId}/report/{eventId}", ReportEvent).RequireMatrixAuth().RequireRateLimit(RateLimitPolicies.Message);
            group.MapPost("/rooms/{roomId}/report", ReportRoom).RequireMatrixAuth().RequireRateLimit(RateLimitPolicies.Message);
            group.MapPost("/users/{userId}/report", ReportUser).RequireMatrixAuth().RequireRateLimit(RateLimitPolicies.Message);
        });
        return routes;
    }

    private static async Task<IResult> ReportEvent(string roomId, string eventId, RequestUser user, ContentReports reports, HttpRequest request)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        // score was removed from the spec; older clients still send an integer, which is accepted and not kept.
        if (body["score"] is { } score && !(score is JsonValue v && v.TryGetValue<long>(out _)))
            throw MatrixException.BadJson("score must be an integer.");
        await reports.ReportEventAsync(user.UserId, roomId, eventId, Reason(body, required: false), request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> ReportRoom(string roomId, RequestUser user, ContentReports reports, HttpRequest request)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        await reports.ReportRoomAsync(user.UserId, roomId, Reason(body, required: true)!, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> ReportUser(string userId, RequestUser user, ContentReports reports, HttpRequest request)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        await reports.ReportUserAsync(user.UserId, userId, Reason(body, required: true)!, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static string? Reason(JsonObject body, bool required) => body["reason"] switch
    {
        null when required => throw MatrixException.MissingParam("reason is required."),
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw MatrixException.BadJson("reason must be a string."),
    };
}
