namespace Homeserver.Http;

/// <summary>
/// Kestrel decodes a request path except <c>%2F</c>, so that an escaped slash cannot split a path segment;
/// route values then still hold <c>%2F</c>. Matrix ids may contain slashes (event ids of room version 3
/// are standard base64), and clients and servers escape them: after routing, this puts them back.
/// </summary>
internal sealed class EscapedSlashRouteValues(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var values = context.Request.RouteValues;
        foreach (var (key, value) in values.ToList())
            if (value is string text && text.Contains("%2F", StringComparison.OrdinalIgnoreCase))
                values[key] = text.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        return next(context);
    }
}
