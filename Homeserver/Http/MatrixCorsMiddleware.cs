namespace Homeserver.Http;

/// <summary>
/// CORS as the Client-Server spec recommends ("Web Browser Clients"): the same permissive headers on
/// every response, and <c>OPTIONS</c> preflights under <c>/_matrix</c> and <c>/.well-known</c> answered
/// here, without running any endpoint logic.
/// </summary>
internal sealed class MatrixCorsMiddleware(RequestDelegate next)
{
    public const string AllowOrigin = "*";
    public const string AllowMethods = "GET, POST, PUT, DELETE, OPTIONS";
    public const string AllowHeaders = "X-Requested-With, Content-Type, Authorization";

    public Task InvokeAsync(HttpContext context)
    {
        // Added when the response starts, so error responses (which clear headers) carry them too.
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.AccessControlAllowOrigin = AllowOrigin;
            headers.AccessControlAllowMethods = AllowMethods;
            headers.AccessControlAllowHeaders = AllowHeaders;
            return Task.CompletedTask;
        }, context.Response);

        if (HttpMethods.IsOptions(context.Request.Method) && IsMatrixPath(context.Request.Path))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }
        return next(context);
    }

    private static bool IsMatrixPath(PathString path) =>
        path.StartsWithSegments("/_matrix", StringComparison.Ordinal)
        || path.StartsWithSegments("/.well-known", StringComparison.Ordinal);
}
