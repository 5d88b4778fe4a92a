using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Homeserver.Federation.Http;

namespace Homeserver.Http;

/// <summary>
/// The one way endpoints read JSON request bodies: size-limited (413 <c>M_TOO_LARGE</c>), strictly parsed
/// (<see cref="StrictJsonParser"/>), then optionally bound to a type with strict rules (400 <c>M_BAD_JSON</c>
/// for missing required fields, nulls in non-nullable members and wrong types). Handlers never
/// deserialize bodies themselves.
/// </summary>
public static class JsonBody
{
    /// <summary>
    /// Serializer rules for request types: snake_case names matched exactly, unknown members ignored
    /// (the spec lets clients send extra keys), required and non-nullable members enforced.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateSerializerOptions();

    /// <summary>Reads the body as a JSON object.</summary>
    /// <param name="maxBytes">Overrides <see cref="MatrixHttpOptions.MaxJsonBodyBytes"/> for endpoints that need more.</param>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, long? maxBytes = null)
    {
        var options = request.HttpContext.RequestServices.GetService<MatrixHttpOptions>() ?? new MatrixHttpOptions();
        var body = await ReadBytesAsync(request, maxBytes ?? options.MaxJsonBodyBytes, request.HttpContext.RequestAborted);
        return StrictJsonParser.ParseObject(body.Span, options.MaxJsonDepth);
    }

    /// <summary>Reads the body as a JSON object and binds it to <typeparamref name="T"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, long? maxBytes = null)
    {
        var json = await ReadObjectAsync(request, maxBytes);
        return Bind<T>(json);
    }

    /// <summary>Binds an already parsed object to <typeparamref name="T"/> with <see cref="SerializerOptions"/>.</summary>
    public static T Bind<T>(JsonObject json)
    {
        try
        {
            return json.Deserialize<T>(SerializerOptions)
                ?? throw MatrixException.BadJson("Request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw MatrixException.BadJson(DescribeShapeError(e));
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBytesAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength);
        if (request.ContentLength > maxBytes)
            throw MatrixException.TooLarge($"Request body is larger than {maxBytes} bytes.");

        var initialCapacity = (int)Math.Min(request.ContentLength ?? 4096, maxBytes);
        var buffer = new MemoryStream(initialCapacity);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            // Checked per chunk: a body without Content-Length (chunked) is cut off as soon as it passes the limit.
            if (buffer.Length + read > maxBytes)
                throw MatrixException.TooLarge($"Request body is larger than {maxBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static string DescribeShapeError(JsonException e)
    {
        // System.Text.Json names the missing members after "including: "; the rest of its text names CLR types.
        const string missingMarker = "missing required properties including: ";
        var missingAt = e.Message.IndexOf(missingMarker, StringComparison.Ordinal);
        if (missingAt >= 0)
            return "Missing required field(s): " + e.Message[(missingAt + missingMarker.Length)..].TrimEnd('.');
        return e.Path is { Length: > 0 } path && path != "$"
            ? $"Invalid value at '{path}'."
            : "Request body does not have the expected shape.";
    }

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowDuplicateProperties = false,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
