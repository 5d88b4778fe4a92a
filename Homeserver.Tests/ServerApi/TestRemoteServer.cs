using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.ServerApi;

/// <summary>
/// A remote homeserver that exists only in a test: a name and a signing key. It signs requests
/// (X-Matrix) and events the way a real server would, or wrongly when a test wants it to.
/// </summary>
public sealed class TestRemoteServer(string name) : IDisposable
{
    public string Name { get; } = name;
    public SigningKey Key { get; } = SigningKey.Generate();
    public VerifyKey VerifyKey => VerifyKey.FromSigningKey(Key);

    /// <summary>A request signed by this server for <paramref name="destination"/>; the body is sent as canonical JSON.</summary>
    public HttpRequestMessage Request(HttpMethod method, string pathAndQuery, string destination, JsonObject? body = null)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization",
            XMatrixAuthorization.CreateHeader(Name, destination, method.Method, pathAndQuery, body, Key));
        request.Headers.TryAddWithoutValidation(Http.RawTargetFromHeader.HeaderName, pathAndQuery);
        if (body is not null)
        {
            var content = new ByteArrayContent(CanonicalJson.Encode(body));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Content = content;
        }
        return request;
    }

    /// <summary>Signs a JSON object (an event, a key response) in place as this server.</summary>
    public JsonObject Sign(JsonObject obj)
    {
        JsonSigner.Sign(obj, Name, Key);
        return obj;
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public void Dispose() => Key.Dispose();
}
