using System.Text.Json.Nodes;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.UserData;

/// <summary>Short request helpers for the user data endpoint tests.</summary>
internal static class UserDataTestClient
{
    public const string V3 = "/_matrix/client/v3";

    /// <summary>A fresh local user id, so tests sharing a host do not see each other's data.</summary>
    public static string NewUserId() => $"@u{Guid.NewGuid():N}:{TestHost.ServerName}";

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? token, string? json = null)
    {
        var request = TestHost.Request(method, path, token);
        if (json is not null) request.Content = TestHost.JsonContent(json);
        return client.SendAsync(request);
    }

    /// <summary>Asserts 200 and returns the JSON object body.</summary>
    public static async Task<JsonObject> ShouldBeOkAsync(this HttpResponseMessage response)
    {
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        return body;
    }

    public static void ShouldEqualJson(this JsonNode? actual, string expectedJson) =>
        JsonNode.DeepEquals(actual, JsonNode.Parse(expectedJson)).Should().BeTrue($"{actual?.ToJsonString()} should equal {expectedJson}");

    public static string Escape(string pathSegment) => Uri.EscapeDataString(pathSegment);
}
