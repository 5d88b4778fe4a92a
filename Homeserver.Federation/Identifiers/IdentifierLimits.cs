using System.Text;

namespace Homeserver.Federation.Identifiers;

/// <summary>Shared pieces of the identifier grammars (appendices, "Identifier Grammar").</summary>
internal static class IdentifierLimits
{
    /// <summary>User ids, room ids, room aliases and event ids must not exceed 255 bytes of UTF-8.</summary>
    public const int MaxIdBytes = 255;

    public static bool FitsLimit(string text) =>
        text.Length <= MaxIdBytes && (text.Length * 3 <= MaxIdBytes || Encoding.UTF8.GetByteCount(text) <= MaxIdBytes);

    /// <summary>
    /// The historical localpart grammar shared by user ids, room ids (with a domain), v1–v2 event ids
    /// and room aliases: any Unicode scalar values except <c>:</c> and NUL (the caller splits at the first colon).
    /// </summary>
    public static bool IsOpaqueLocalpart(ReadOnlySpan<char> localpart)
    {
        for (var i = 0; i < localpart.Length; i++)
        {
            var c = localpart[i];
            if (c is ':' or '\0') return false;
            if (char.IsHighSurrogate(c) && i + 1 < localpart.Length && char.IsLowSurrogate(localpart[i + 1])) i++;
            else if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>Splits <c>&lt;sigil&gt;localpart:server</c> at the first colon and validates both halves.</summary>
    public static bool TrySplit(string? text, char sigil, out string localpart, out ServerName server)
    {
        localpart = "";
        server = default;
        if (text is null || text.Length < 3 || text[0] != sigil || !FitsLimit(text)) return false;
        var colon = text.IndexOf(':');
        if (colon < 0 || !ServerName.TryParse(text[(colon + 1)..], out server)) return false;
        localpart = text[1..colon];
        return IsOpaqueLocalpart(localpart);
    }

    /// <summary><c>$</c>/<c>!</c> + 43 characters: the unpadded base64 of a SHA-256 hash.</summary>
    public static bool IsHashId(string text, char sigil, bool urlSafe)
    {
        if (text.Length != 44 || text[0] != sigil) return false;
        foreach (var c in text.AsSpan(1))
        {
            if (char.IsAsciiLetterOrDigit(c)) continue;
            if (urlSafe ? c is '-' or '_' : c is '+' or '/') continue;
            return false;
        }
        return true;
    }
}
