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
}
