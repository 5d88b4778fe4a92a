using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Homeserver.Federation.Json;

/// <summary>
/// A strict JSON reader for untrusted input: UTF-8 bytes to <see cref="JsonNode"/>.
/// Always rejects invalid UTF-8, escaped lone surrogates, duplicate keys, comments, trailing
/// commas, non-standard tokens (NaN, Infinity) and nesting deeper than the limit.
/// With <c>strict</c> numbers (room versions 6+, <see cref="RoomVersions.RoomVersionRules.StrictCanonicalJson"/>)
/// it also rejects fractions, exponents, <c>-0</c> and integers outside ±(2^53−1).
/// Leniently (older room versions) it accepts them: integral values become integers
/// (<c>1e10</c> → 10000000000, <c>-0</c> → 0), other finite numbers become doubles and integers
/// too large for 64 bits keep their digits.
/// </summary>
public static class CanonicalJsonReader
{
    /// <summary>2^53 − 1: the largest integer canonical JSON allows.</summary>
    public const long MaxSafeInteger = 9007199254740991;

    /// <summary>
    /// Default nesting limit. Deep enough for any real event (other servers allow far more than
    /// System.Text.Json's default of 64), shallow enough to bound recursion.
    /// </summary>
    public const int DefaultMaxDepth = 128;

    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, bool strict, int maxDepth = DefaultMaxDepth)
    {
        if (!Utf8.IsValid(utf8)) throw new CanonicalJsonException("invalid UTF-8");
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            MaxDepth = maxDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        try
        {
            if (!reader.Read()) throw new CanonicalJsonException("empty input");
            var node = ReadValue(ref reader, strict);
            if (reader.Read()) throw new CanonicalJsonException("unexpected data after the JSON value");
            return node;
        }
        catch (JsonException e)
        {
            throw new CanonicalJsonException("malformed JSON: " + FirstSentence(e.Message));
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader reports undecodable string escapes (lone surrogates) this way.
            throw new CanonicalJsonException("invalid string (lone surrogate escape): " + FirstSentence(e.Message));
        }
    }

    /// <summary>Parses input that must be a JSON object.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, bool strict, int maxDepth = DefaultMaxDepth) =>
        Parse(utf8, strict, maxDepth) as JsonObject ?? throw new CanonicalJsonException("expected a JSON object");

    /// <summary>Parses an event's JSON with the number rules of its room version.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, RoomVersions.RoomVersion version) =>
        ParseObject(utf8, version.Rules.StrictCanonicalJson);

    public static bool TryParse(ReadOnlySpan<byte> utf8, bool strict, out JsonNode? node, out string? error)
    {
        try
        {
            node = Parse(utf8, strict);
            error = null;
            return true;
        }
        catch (CanonicalJsonException e)
        {
            node = null;
            error = e.Message;
            return false;
        }
    }

    private static JsonNode? ReadValue(ref Utf8JsonReader reader, bool strict)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = ReadString(ref reader);
                    reader.Read();
                    var value = ReadValue(ref reader, strict);
                    if (!obj.TryAdd(key, value)) throw new CanonicalJsonException($"duplicate key \"{key}\"");
                }
                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    array.Add(ReadValue(ref reader, strict));
                return array;
            case JsonTokenType.String:
                return JsonValue.Create(ReadString(ref reader));
            case JsonTokenType.Number:
                return ReadNumber(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan, strict);
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            case JsonTokenType.Null:
                return null;
            default:
                throw new CanonicalJsonException($"unexpected token {reader.TokenType}");
        }
    }

    private static string ReadString(ref Utf8JsonReader reader)
    {
        var text = reader.GetString()!;
        // Raw bytes were checked as UTF-8 up front; only escapes can produce lone surrogates.
        if (reader.ValueIsEscaped && HasLoneSurrogate(text))
            throw new CanonicalJsonException("invalid string: lone surrogate escape");
        return text;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else return true;
        }
        return false;
    }

    private static JsonValue ReadNumber(ReadOnlySpan<byte> raw, bool strict)
    {
        var integerForm = raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;
        long integer = 0;
        var consumed = 0;
        var fitsLong = integerForm && Utf8Parser.TryParse(raw, out integer, out consumed) && consumed == raw.Length;
        if (strict)
        {
            if (!integerForm) throw new CanonicalJsonException($"number {Text(raw)} is not an integer (fractions and exponents are not allowed)");
            if (raw.SequenceEqual("-0"u8)) throw new CanonicalJsonException("-0 is not allowed");
            if (!fitsLong || integer is > MaxSafeInteger or < -MaxSafeInteger)
                throw new CanonicalJsonException($"integer {Text(raw)} is outside ±(2^53−1)");
            return JsonValue.Create(integer);
        }
        if (fitsLong) return JsonValue.Create(integer);
        if (!integerForm)
        {
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                throw new CanonicalJsonException($"number {Text(raw)} is out of range");
            // Integral values are written as integers (the spec's example: 1e10 → 10000000000),
            // but only where the double is exact.
            if (double.IsInteger(number) && Math.Abs(number) <= MaxSafeInteger) return JsonValue.Create((long)number);
            return JsonValue.Create(number);
        }
        // An integer beyond 64 bits (tolerated in old room versions): keep its digits verbatim.
        using var document = JsonDocument.Parse(raw.ToArray());
        return JsonValue.Create(document.RootElement.Clone())!;
    }

    private static string Text(ReadOnlySpan<byte> raw) =>
        raw.Length <= 40 ? Encoding.UTF8.GetString(raw) : Encoding.UTF8.GetString(raw[..40]) + "...";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}
