namespace Homeserver.Hosting;

/// <summary>
/// Start-up work done while the database is still opening (see <see cref="OpeningDatabase"/>), on the core that
/// would otherwise wait for it: one request that matches no endpoint is routed through a throwaway routing
/// pipeline over all mapped endpoints. ASP.NET Core builds the endpoints and the route matcher of several hundred
/// routes lazily, on the first request, and most of that time is compiling the code that does it. Nothing is
/// answered to anyone; the real pipeline still builds its own matcher on the first request, with that code compiled.
/// </summary>
public static class StartupWarmUp
{
    /// <summary>A path no endpoint has.</summary>
    public const string Path = "/_homeserver/routing-warm-up";

    public static async Task RunAsync(WebApplication app)
    {
        // New() shares the app's endpoint route builder, so this pipeline routes over the app's own endpoints.
        var pipeline = ((IApplicationBuilder)app).New();
        pipeline.UseRouting();
        pipeline.UseEndpoints(_ => { });
        var route = pipeline.Build();
        await using var scope = app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = Path;
        context.Response.Body = Stream.Null;
        await route(context);
    }
}
