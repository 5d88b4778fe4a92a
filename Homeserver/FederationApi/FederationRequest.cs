using System.Text.Json.Nodes;

namespace Homeserver.FederationApi;

/// <summary>
/// A Server-Server request whose X-Matrix signature was verified: the origin server and the JSON body
/// (null for requests without one) that the signature covers. Endpoints marked with
/// <c>RequireFederationAuth()</c> take it as a handler parameter and read the body from here, never
/// from the request stream again.
/// </summary>
public sealed record FederationRequest(string Origin, JsonObject? Body)
{
    private const string ItemKey = "Homeserver.FederationRequest";

    /// <summary>The body, or 400 <c>M_NOT_JSON</c> when the request had none.</summary>
    public JsonObject RequiredBody => Body ?? throw Federation.Http.MatrixException.NotJson("This endpoint needs a JSON body.");

    /// <summary>Minimal API parameter binding: the request the federation auth middleware stored.</summary>
    public static ValueTask<FederationRequest?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.Items.TryGetValue(ItemKey, out var value) ? value as FederationRequest : null);

    internal static void Store(HttpContext context, FederationRequest request) => context.Items[ItemKey] = request;
}
