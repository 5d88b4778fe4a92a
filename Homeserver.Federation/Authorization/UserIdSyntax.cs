namespace Homeserver.Federation.Authorization;

/// <summary>
/// The user ID check the auth rules need (power level <c>users</c> keys, v12
/// <c>additional_creators</c>, <c>join_authorised_via_users_server</c>): <c>@localpart:server_name</c>
/// of at most 255 bytes. Localparts use the historical grammar every server must still accept
/// (anything but <c>:</c> and NUL, possibly empty); the server name follows the appendix grammar.
/// </summary>
public static class UserIdSyntax
{
    private const int MaxLengthBytes = 255;

    public static bool IsValid(string? userId)
    {
        if (userId is null || userId.Length < 3 || userId[0] != '@') return false;
        if (System.Text.Encoding.UTF8.GetByteCount(userId) > MaxLengthBytes) return false;
        var colon = userId.IndexOf(':');
        if (colon < 0) return false;
        for (var i = 1; i < colon; i++)
        {
            var c = userId[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c) && i + 1 < colon && char.IsLowSurrogate(userId[i + 1])) i++;
            else if (char.IsSurrogate(c)) return false;
        }
        return IsValidServerName(userId.AsSpan(colon + 1));
    }

    /// <summary>The server part of a user ID (everything after the first colon), or the empty string.</summary>
    public static string ServerOf(string userId)
    {
        var colon = userId.IndexOf(':');
        return colon < 0 ? "" : userId[(colon + 1)..];
    }

    /// <summary><c>hostname [":" port]</c>: a bracketed IPv6 literal or DNS name / IPv4 characters, port 1–5 digits.</summary>
    public static bool IsValidServerName(ReadOnlySpan<char> name)
    {
        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port = default;
        var hasPort = false;
        if (name.StartsWith("["))
        {
            var close = name.IndexOf(']');
            if (close < 0) return false;
            host = name[1..close];
            if (host.Length is < 2 or > 45) return false;
            foreach (var c in host)
                if (!(char.IsAsciiHexDigit(c) || c is ':' or '.')) return false;
            var rest = name[(close + 1)..];
            if (!rest.IsEmpty)
            {
                if (rest[0] != ':') return false;
                port = rest[1..];
                hasPort = true;
            }
        }
        else
        {
            var colon = name.IndexOf(':');
            host = colon < 0 ? name : name[..colon];
            if (colon >= 0)
            {
                port = name[(colon + 1)..];
                hasPort = true;
            }
            if (host.Length is < 1 or > 255) return false;
            foreach (var c in host)
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.')) return false;
        }
        if (!hasPort) return true;
        if (port.Length is < 1 or > 5) return false;
        foreach (var c in port)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
