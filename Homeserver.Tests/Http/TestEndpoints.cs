using System.Text.Json.Nodes;
using Homeserver.Http;
using Homeserver.Http.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.Http;

/// <summary>
/// Test-only routes under <c>/_test/</c>, added after the application's pipeline so that they run inside
/// its error, CORS and routing middleware exactly like real endpoints.
/// </summary>
internal sealed class TestEndpoints : IStartupFilter
{
    public const string SecretDetail = "connection string Password=hunter2";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Use(async (context, nextMiddleware) =>
        {
            switch (context.Request.Path.Value)
            {
                case "/_test/throw":
                    throw new InvalidOperationException(SecretDetail);
                case "/_test/kestrel-too-large":
                    throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
                case "/_test/bind-failure":
                    throw new BadHttpRequestException("Failed to bind parameter \"int limit\" from \"abc\".");
                case "/_test/echo":
                    await context.Response.WriteAsJsonAsync(await JsonBody.ReadObjectAsync(context.Request));
                    break;
                case "/_test/typed":
                    var request = await JsonBody.ReadAsync<TypedRequest>(context.Request);
                    await context.Response.WriteAsJsonAsync(new JsonObject
                    {
                        ["name"] = request.Name, ["count"] = request.Count, ["note"] = request.Note,
                    });
                    break;
                case "/_test/limited":
                    context.RequestServices.GetRequiredService<RequestRateLimiter>().Acquire(RateLimitPolicies.Message, context);
                    await context.Response.WriteAsync("ok");
                    break;
                default:
                    await nextMiddleware(context);
                    break;
            }
        });
    };
}

/// <summary>A request type for the strict binding tests.</summary>
public sealed record TypedRequest(string Name, int Count, string? Note = null);
