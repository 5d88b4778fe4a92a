using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// A small canonical JSON encoder for the third-party invite signature check, kept here so the
/// auth rules work on their own: keys sorted by code point, no insignificant whitespace, only
/// <c>"</c>, <c>\</c> and control characters escaped, integers only. The shared encoder in
/// <c>Homeserver.Federation.Json</c> should replace it (pass it to <see cref="EventAuthorizer"/>).
/// </summary>
public static class InterimCanonicalJson
{
    public static byte[] Encode(JsonObject value)
    {
        var builder = new StringBuilder();
        Write(builder, value, 0);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void Write(StringBuilder sb, JsonNode? node, int depth)
    {
        if (depth > 100) throw new FormatException("JSON nested too deeply");
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, child) in obj.OrderBy(p => p.Key, CodePointComparer.Instance))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, child, depth + 1);
                }
                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(sb, array[i], depth + 1);
                }
                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                string text;
                try
                {
                    text = value.GetValue<string>();
                }
                catch (InvalidOperationException)
                {
                    throw new FormatException("a string is not valid Unicode (lone surrogate)");
                }
                WriteString(sb, text);
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            case JsonValueKind.Number:
                if (!PowerLevelValue.TryRead(value, RoomVersions.RoomVersion.V10.Rules, out var integer))
                    throw new FormatException("canonical JSON allows only integers");
                sb.Append(integer.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                throw new FormatException("unsupported JSON value");
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(c).Append(s[++i]);
                continue;
            }
            if (char.IsSurrogate(c)) throw new FormatException("a string is not valid Unicode (lone surrogate)");
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4")); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Orders strings by Unicode code point (UTF-16 ordinal order differs above U+D7FF).</summary>
    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = Encoding.UTF8.GetBytes(x ?? "");
            var b = Encoding.UTF8.GetBytes(y ?? "");
            return a.AsSpan().SequenceCompareTo(b);
        }
    }
}
