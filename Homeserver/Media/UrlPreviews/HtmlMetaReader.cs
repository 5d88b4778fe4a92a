using System.Net;
using System.Text;

namespace Homeserver.Media.UrlPreviews;

/// <summary>
/// Reads a page's <c>&lt;meta&gt;</c> and <c>&lt;title&gt;</c> tags with a small forward-only scanner: every step
/// moves forward, so the time is linear in the (size-bounded) page and no pattern can backtrack. Comments,
/// scripts and styles are skipped. Gives the OpenGraph properties (<c>og:*</c>, first occurrence wins), the
/// <c>description</c> meta tag and the title, each trimmed to <see cref="MaxValueLength"/> characters.
/// </summary>
public static class HtmlMetaReader
{
    public const int MaxValueLength = 1000;
    public const int MaxProperties = 50;
    private const int MaxTags = 100_000;

    public sealed record PageMeta(IReadOnlyDictionary<string, string> OpenGraph, string? Title, string? Description);

    public static PageMeta Read(string html)
    {
        var openGraph = new Dictionary<string, string>(StringComparer.Ordinal);
        string? title = null, description = null;
        var position = 0;
        for (var tags = 0; tags < MaxTags; tags++)
        {
            var open = html.IndexOf('<', position);
            if (open < 0 || open + 1 >= html.Length) break;
            if (string.CompareOrdinal(html, open, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", open + 4, StringComparison.Ordinal);
                if (end < 0) break;
                position = end + 3;
                continue;
            }
            var nameStart = open + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && char.IsAsciiLetterOrDigit(html[nameEnd])) nameEnd++;
            var name = html[nameStart..nameEnd].ToLowerInvariant();
            switch (name)
            {
                case "meta":
                    var attributes = ReadAttributes(html, nameEnd, out position);
                    AddMeta(attributes, openGraph, ref description);
                    break;
                case "title":
                    var textStart = html.IndexOf('>', nameEnd);
                    if (textStart < 0) return new PageMeta(openGraph, title, description);
                    var textEnd = html.IndexOf("</title", textStart, StringComparison.OrdinalIgnoreCase);
                    if (textEnd < 0) textEnd = html.Length;
                    title ??= Clean(html[(textStart + 1)..textEnd]);
                    position = textEnd;
                    break;
                case "script" or "style":
                    var close = html.IndexOf("</" + name, nameEnd, StringComparison.OrdinalIgnoreCase);
                    if (close < 0) return new PageMeta(openGraph, title, description);
                    position = close + 2 + name.Length;
                    break;
                default:
                    var tagEnd = html.IndexOf('>', nameEnd);
                    if (tagEnd < 0) return new PageMeta(openGraph, title, description);
                    position = tagEnd + 1;
                    break;
            }
        }
        return new PageMeta(openGraph, string.IsNullOrEmpty(title) ? null : title, description);
    }

    private static void AddMeta(Dictionary<string, string> attributes, Dictionary<string, string> openGraph, ref string? description)
    {
        if (!attributes.TryGetValue("content", out var content)) return;
        var key = attributes.TryGetValue("property", out var property) ? property : attributes.GetValueOrDefault("name");
        if (key is null) return;
        key = key.Trim().ToLowerInvariant();
        var value = Clean(content);
        if (value.Length == 0) return;
        if (key.StartsWith("og:", StringComparison.Ordinal) && key.Length <= 100 && openGraph.Count < MaxProperties)
            openGraph.TryAdd(key, value);
        else if (key == "description")
            description ??= value;
    }

    /// <summary>Reads <c>name=value</c> pairs up to the tag's closing <c>&gt;</c>; <paramref name="end"/> is just past it.</summary>
    private static Dictionary<string, string> ReadAttributes(string html, int start, out int end)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = start;
        while (i < html.Length)
        {
            while (i < html.Length && (char.IsWhiteSpace(html[i]) || html[i] == '/')) i++;
            if (i >= html.Length || html[i] == '>') break;
            var nameStart = i;
            while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] is not ('=' or '>' or '/')) i++;
            var name = html[nameStart..i];
            while (i < html.Length && char.IsWhiteSpace(html[i])) i++;
            var value = "";
            if (i < html.Length && html[i] == '=')
            {
                i++;
                while (i < html.Length && char.IsWhiteSpace(html[i])) i++;
                if (i < html.Length && html[i] is '"' or '\'')
                {
                    var quote = html[i];
                    var close = html.IndexOf(quote, i + 1);
                    if (close < 0) close = html.Length;
                    value = html[(i + 1)..close];
                    i = Math.Min(close + 1, html.Length);
                }
                else
                {
                    var valueStart = i;
                    while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] != '>') i++;
                    value = html[valueStart..i];
                }
            }
            if (name.Length > 0 && value.Length <= 10 * MaxValueLength) attributes.TryAdd(name, value);
        }
        end = Math.Min(i + 1, html.Length);
        return attributes;
    }

    /// <summary>Entities decoded, whitespace collapsed, length bounded.</summary>
    private static string Clean(string text)
    {
        if (text.Length > 10 * MaxValueLength) text = text[..(10 * MaxValueLength)];
        var decoded = WebUtility.HtmlDecode(text);
        var builder = new StringBuilder(Math.Min(decoded.Length, MaxValueLength));
        var space = false;
        foreach (var c in decoded)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = builder.Length > 0;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            builder.Append(c);
            if (builder.Length >= MaxValueLength) break;
        }
        return builder.ToString();
    }
}
