namespace Homeserver.Federation.Json;

/// <summary>
/// Matrix's base64: unpadded on output; padded and unpadded, standard and URL-safe alphabets
/// (the latter only where asked) accepted on input.
/// </summary>
public static class UnpaddedBase64
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    public static string EncodeUrlSafe(ReadOnlySpan<byte> bytes) =>
        Encode(bytes).Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes standard base64 with or without padding; false on any other input.</summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1) return false;
        var padded = text.Length % 4 == 0 ? text : text + new string('=', 4 - text.Length % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static byte[] Decode(string text) =>
        TryDecode(text, out var bytes) ? bytes : throw new FormatException("invalid base64");

    /// <summary>Decodes URL-safe base64 (<c>-</c> and <c>_</c>), with or without padding.</summary>
    public static bool TryDecodeUrlSafe(string text, out byte[] bytes)
    {
        if (text.Contains('+') || text.Contains('/'))
        {
            bytes = [];
            return false;
        }
        return TryDecode(text.Replace('-', '+').Replace('_', '/'), out bytes);
    }

    /// <summary>
    /// Decodes standard base64, with or without padding, into a caller's buffer without allocating.
    /// False on invalid input or when the buffer is too small.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        var unpadded = text.TrimEnd('=');
        if (text.Length - unpadded.Length > 2 || unpadded.Length % 4 == 1) return false;
        if (unpadded.Length % 4 == 0) return Convert.TryFromBase64Chars(unpadded, destination, out written);
        Span<char> padded = stackalloc char[4];
        var whole = unpadded.Length - unpadded.Length % 4;
        if (!Convert.TryFromBase64Chars(unpadded[..whole], destination, out var first)) return false;
        padded.Fill('=');
        unpadded[whole..].CopyTo(padded);
        if (!Convert.TryFromBase64Chars(padded, destination[first..], out var last)) return false;
        written = first + last;
        return true;
    }
}
