using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;

namespace Homeserver.UserData;

/// <summary>
/// Room tags, kept as the content of the room's <c>m.tag</c> account data: <c>{"tags": {name: {"order": n}}}</c>.
/// Reading is lenient (the content may have been written directly through the account data API);
/// writing validates.
/// </summary>
public static class RoomTags
{
    public const int MaxTagBytes = 255;

    /// <summary>The tags of stored <c>m.tag</c> content; an empty object when there is none or it has no valid <c>tags</c> object.</summary>
    public static JsonObject Read(string? contentJson)
    {
        if (contentJson is null) return new JsonObject();
        try
        {
            return JsonNode.Parse(contentJson)?["tags"] is JsonObject tags ? (JsonObject)tags.DeepClone() : new JsonObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new JsonObject();
        }
    }

    /// <summary>New <c>m.tag</c> content with the tag set to <paramref name="tagInfo"/>.</summary>
    public static string WithTag(string? contentJson, string tag, JsonObject tagInfo)
    {
        var tags = Read(contentJson);
        tags[tag] = tagInfo.DeepClone();
        return Content(tags);
    }

    /// <summary>New <c>m.tag</c> content without the tag.</summary>
    public static string WithoutTag(string? contentJson, string tag)
    {
        var tags = Read(contentJson);
        tags.Remove(tag);
        return Content(tags);
    }

    /// <summary>400 <c>M_INVALID_PARAM</c> unless the name is 1 to 255 bytes without NUL.</summary>
    public static void CheckName(string tag)
    {
        if (tag.Length == 0 || Encoding.UTF8.GetByteCount(tag) > MaxTagBytes || tag.Contains('\0'))
            throw MatrixException.InvalidParam($"A tag name is 1 to {MaxTagBytes} bytes without NUL characters.");
    }

    /// <summary>
    /// The tag object of a request: <c>order</c>, when present, must be a number from 0 to 1
    /// (400 <c>M_BAD_JSON</c> for another type, 400 <c>M_INVALID_PARAM</c> outside the range).
    /// </summary>
    public static void CheckInfo(JsonObject tagInfo)
    {
        if (!tagInfo.TryGetPropertyValue("order", out var order)) return;
        if (order is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
            throw MatrixException.BadJson("The tag's 'order' must be a number.");
        if (!value.TryGetValue<double>(out var number) || !double.IsFinite(number) || number is < 0 or > 1)
            throw MatrixException.InvalidParam("The tag's 'order' must be a number from 0 to 1.");
    }

    private static string Content(JsonObject tags) => new JsonObject { ["tags"] = tags }.ToJsonString();
}
