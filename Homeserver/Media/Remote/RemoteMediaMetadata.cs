using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Media.Remote;

/// <summary>
/// What is known of cached remote content, kept as a small JSON file next to it: content type, file name, size and
/// when it was fetched. A file that cannot be read back counts as absent, so the media is fetched again.
/// </summary>
public sealed record RemoteMediaMetadata(string ContentType, string? UploadName, long Size, long FetchedTs)
{
    public const int MaxBytes = 4096;

    public byte[] ToJson()
    {
        var json = new JsonObject { ["content_type"] = ContentType, ["size"] = Size, ["fetched_ts"] = FetchedTs };
        if (UploadName is not null) json["upload_name"] = UploadName;
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    public static RemoteMediaMetadata? TryRead(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxBytes) return null;
            if (JsonNode.Parse(File.ReadAllBytes(path)) is not JsonObject json) return null;
            return json["content_type"] is JsonValue type && type.TryGetValue<string>(out var contentType)
                && json["size"] is JsonValue size && size.TryGetValue<long>(out var bytes)
                && json["fetched_ts"] is JsonValue fetched && fetched.TryGetValue<long>(out var fetchedTs)
                ? new RemoteMediaMetadata(contentType, json["upload_name"] is JsonValue name && name.TryGetValue<string>(out var n) ? n : null, bytes, fetchedTs)
                : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
