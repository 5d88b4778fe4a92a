namespace Homeserver.Http;

/// <summary><c>GET /health</c>: liveness check for load balancers and monitoring, answering <c>OK</c>.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => Results.Text("OK", "text/plain"));
        return routes;
    }
}
