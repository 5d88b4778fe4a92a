using System.Text.Json.Nodes;
using Homeserver.Federation.Membership;

namespace Homeserver.FederationApi;

/// <summary>
/// The membership handshakes a resident server serves (make/send join, leave and knock) and the
/// invite a remote server asks us to co-sign (v2). The logic is in <see cref="ResidentMembership"/>
/// and <see cref="InviteReceiver"/>.
/// </summary>
public static class MembershipFederationApi
{
    public static IEndpointRouteBuilder MapMembershipFederationApi(this IEndpointRouteBuilder routes)
    {
        var federation = routes.MapGroup("/_matrix/federation").RequireFederationAuth();
        federation.MapGet("/v1/make_join/{roomId}/{userId}", (string roomId, string userId, FederationRequest request, ResidentMembership resident,
            HttpContext context) => MakeAsync(MembershipHandshake.Join, roomId, userId, request, resident, context));
        federation.MapGet("/v1/make_leave/{roomId}/{userId}", (string roomId, string userId, FederationRequest request, ResidentMembership resident,
            HttpContext context) => MakeAsync(MembershipHandshake.Leave, roomId, userId, request, resident, context));
        federation.MapGet("/v1/make_knock/{roomId}/{userId}", (string roomId, string userId, FederationRequest request, ResidentMembership resident,
            HttpContext context) => MakeAsync(MembershipHandshake.Knock, roomId, userId, request, resident, context));
        federation.MapPut("/v2/send_join/{roomId}/{eventId}", (string roomId, string eventId, FederationRequest request, ResidentMembership resident,
            HttpContext context) => resident.SendAsync(MembershipHandshake.Join, roomId, eventId, request.Origin, request.RequiredBody, context.RequestAborted));
        federation.MapPut("/v2/send_leave/{roomId}/{eventId}", (string roomId, string eventId, FederationRequest request, ResidentMembership resident,
            HttpContext context) => resident.SendAsync(MembershipHandshake.Leave, roomId, eventId, request.Origin, request.RequiredBody, context.RequestAborted));
        federation.MapPut("/v1/send_knock/{roomId}/{eventId}", (string roomId, string eventId, FederationRequest request, ResidentMembership resident,
            HttpContext context) => resident.SendAsync(MembershipHandshake.Knock, roomId, eventId, request.Origin, request.RequiredBody, context.RequestAborted));
        federation.MapPut("/v2/invite/{roomId}/{eventId}", (string roomId, string eventId, FederationRequest request, InviteReceiver receiver,
            HttpContext context) => receiver.ReceiveAsync(roomId, eventId, request.Origin, request.RequiredBody, context.RequestAborted));
        return routes;
    }

    /// <summary>make_leave takes no <c>ver</c>; make_join without one means version 1 only (the spec's default).</summary>
    private static Task<JsonObject> MakeAsync(MembershipHandshake handshake, string roomId, string userId, FederationRequest request,
        ResidentMembership resident, HttpContext context)
    {
        IReadOnlyCollection<string>? versions = handshake == MembershipHandshake.Leave
            ? null
            : context.Request.Query["ver"] is { Count: > 0 } ver ? [.. ver.OfType<string>()] : ["1"];
        return resident.MakeAsync(handshake, roomId, userId, request.Origin, versions, context.RequestAborted);
    }
}
