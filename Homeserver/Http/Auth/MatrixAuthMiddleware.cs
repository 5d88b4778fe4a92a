namespace Homeserver.Http.Auth;

/// <summary>
/// Runs after routing: for endpoints marked with <c>RequireMatrixAuth()</c>, authenticates the request
/// before any handler, filter or body reading, and stores the <see cref="RequestUser"/> on the context.
/// </summary>
internal sealed class MatrixAuthMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequireMatrixAuthMetadata>() is not null)
        {
            // Resolved only here, so endpoints without authentication never touch the token store.
            var authenticator = context.RequestServices.GetRequiredService<AccessTokenAuthenticator>();
            var user = await authenticator.AuthenticateAsync(context.Request, context.RequestAborted);
            context.SetRequestUser(user);
        }
        await next(context);
    }
}
