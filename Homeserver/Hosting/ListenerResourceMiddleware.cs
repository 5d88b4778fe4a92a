using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.Hosting;

/// <summary>
/// Answers 404 <c>M_UNRECOGNIZED</c> for a request whose API the listener does not serve (for example
/// <c>/_matrix/federation</c> on a client-only port), before any other middleware sees it.
/// </summary>
public sealed class ListenerResourceMiddleware(RequestDelegate next, ListenerResources resources, ILogger<ListenerResourceMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var resource = ListenerResources.ResourceOf(context.Request.Path);
        if (resource is null || resources.Serves(context, resource)) return next(context);

        Log.ResourceNotServed(logger, context.Request.Path.Value ?? "", context.Features.Get<ListenerFeature>()?.ListenerIndex ?? -1, resource);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsJsonAsync(new UnrecognizedError("M_UNRECOGNIZED", $"This port does not serve the {resource} API"));
    }

    private sealed record UnrecognizedError(
        [property: System.Text.Json.Serialization.JsonPropertyName("errcode")] string ErrCode,
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error);
}
