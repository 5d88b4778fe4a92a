using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Homeserver.Federation.Http;

namespace Homeserver.Http;

/// <summary>
/// Parses untrusted JSON strictly: valid UTF-8 only, no lone surrogates (raw or escaped), no duplicate
/// keys, no comments or trailing commas, bounded nesting. Syntax and encoding faults are
/// <c>M_NOT_JSON</c>; valid JSON of the wrong shape is <c>M_BAD_JSON</c>.
/// </summary>
public static class StrictJsonParser
{
    /// <summary>Parses a request body that must be a JSON object.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8Json, int maxDepth)
    {
        Validate(utf8Json, maxDepth);
        var root = JsonNode.Parse(utf8Json, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth + 1 });
        return root as JsonObject ?? throw MatrixException.BadJson("Request body must be a JSON object.");
    }

    /// <summary>One pass over the tokens checking everything JsonNode would accept but Matrix must not.</summary>
    private static void Validate(ReadOnlySpan<byte> utf8Json, int maxDepth)
    {
        if (utf8Json.IsEmpty)
            throw MatrixException.NotJson("Request body is empty; a JSON object is required.");
        if (!Utf8.IsValid(utf8Json))
            throw MatrixException.NotJson("Request body is not valid UTF-8.");

        // The reader's own limit is one above ours so that our check, with its clearer error, fires first.
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            MaxDepth = maxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        // Property names seen so far, one set per open object (null for arrays).
        var openContainers = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth + 1 > maxDepth)
                            throw MatrixException.BadJson($"JSON nested deeper than {maxDepth} levels.");
                        openContainers.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        openContainers.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = ReadCheckedString(ref reader);
                        if (!openContainers.Peek()!.Add(name))
                            throw MatrixException.NotJson($"Duplicate key '{name}' in JSON object.");
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        // Unescaped text is already known to be valid UTF-8; only escapes can hide surrogates.
                        ReadCheckedString(ref reader);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            throw MatrixException.NotJson("Request body is not valid JSON.");
        }
    }

    private static string ReadCheckedString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses escapes that decode to lone surrogates ("\ud800") when unescaping.
            throw MatrixException.NotJson("JSON string contains an invalid escape or a lone surrogate.");
        }
    }
}
