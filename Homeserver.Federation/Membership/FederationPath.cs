using System.Text;

namespace Homeserver.Federation.Membership;

/// <summary>
/// Escapes an identifier for a path segment, percent-encoding only what a segment cannot hold as is
/// (RFC 3986 pchar keeps <c>!$&amp;'()*+,;=:@</c>): room, user and event ids then appear in the request
/// target exactly as ASP.NET Core re-encodes a decoded path, which keeps the X-Matrix signature of
/// the target valid on servers that verify it against the re-encoded path.
/// </summary>
public static class FederationPath
{
    private const string KeptPunctuation = "-._~!$&'()*+,;=:@";

    public static string Segment(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || KeptPunctuation.Contains(c))) builder.Append(c);
            else builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
