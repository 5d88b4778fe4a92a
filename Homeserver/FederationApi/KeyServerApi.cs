using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Keys;
using Homeserver.Http;

namespace Homeserver.FederationApi;

/// <summary>
/// The key API ("Retrieving server keys"), unauthenticated: this server's own keys
/// (<c>GET /_matrix/key/v2/server</c>) and the notary queries for other servers' keys
/// (<c>GET /_matrix/key/v2/query/{serverName}</c>, <c>POST /_matrix/key/v2/query</c>).
/// </summary>
public static class KeyServerApi
{
    public const string Root = "/_matrix/key/v2";

    public static IEndpointRouteBuilder MapKeyServerApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Root + "/server", (LocalServerKeys keys) => keys.CreateResponse());
        routes.MapGet(Root + "/query/{serverName}", QueryOneAsync);
        routes.MapPost(Root + "/query", QueryManyAsync);
        return routes;
    }

    private static Task<JsonObject> QueryOneAsync(string serverName, HttpRequest request, KeyNotary notary, TimeProvider time)
    {
        var minimum = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (request.Query.TryGetValue("minimum_valid_until_ts", out var values))
        {
            if (values.Count != 1 || !long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out minimum))
                throw MatrixException.InvalidParam("minimum_valid_until_ts must be one integer (ms since the epoch).");
        }
        return notary.QueryAsync(new Dictionary<string, long> { [serverName] = minimum }, request.HttpContext.RequestAborted);
    }

    private static async Task<JsonObject> QueryManyAsync(HttpRequest request, KeyNotary notary, TimeProvider time)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        if (body["server_keys"] is not JsonObject serverKeys) throw MatrixException.BadJson("server_keys must be an object.");
        if (serverKeys.Count > KeyNotary.MaxServersPerQuery)
            throw MatrixException.BadJson($"At most {KeyNotary.MaxServersPerQuery} servers can be queried at once.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var query = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (serverName, criteria) in serverKeys)
        {
            if (criteria is not JsonObject byKeyId) throw MatrixException.BadJson($"server_keys.{serverName} must be an object.");
            var minimum = now;
            foreach (var (keyId, keyCriteria) in byKeyId)
            {
                if (keyCriteria is not JsonObject criteriaObject) throw MatrixException.BadJson($"server_keys.{serverName}.{keyId} must be an object.");
                switch (criteriaObject["minimum_valid_until_ts"])
                {
                    case null:
                        break;
                    case JsonValue value when value.TryGetValue(out long ts):
                        minimum = Math.Max(minimum, ts);
                        break;
                    default:
                        throw MatrixException.BadJson($"server_keys.{serverName}.{keyId}.minimum_valid_until_ts must be an integer.");
                }
            }
            query[serverName] = minimum;
        }
        return await notary.QueryAsync(query, request.HttpContext.RequestAborted);
    }
}
