using System.Security.Cryptography;

namespace Homeserver.Media;

/// <summary>
/// Media ids: the path part of <c>mxc://server/id</c>. New ids are random letters and digits; ids from
/// requests are accepted only in the spec's alphabet (<c>A-Za-z0-9</c>, <c>_</c>, <c>-</c>), which can never
/// name a folder outside the media store.
/// </summary>
public static class MediaIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Length of new ids: 24 of 62 symbols, about 143 bits of randomness.</summary>
    public const int NewIdLength = 24;

    /// <summary>The longest id accepted from a request.</summary>
    public const int MaxLength = 255;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, NewIdLength);

    public static bool IsValid(string? mediaId)
    {
        if (string.IsNullOrEmpty(mediaId) || mediaId.Length > MaxLength) return false;
        foreach (var c in mediaId)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                return false;
        return true;
    }
}
