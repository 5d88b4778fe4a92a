using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;

namespace Homeserver.UserData;

/// <summary>
/// Validation of the profile fields clients may set. The limits are Synapse's (256 characters for a
/// display name, 1000 for an avatar URL), far below the spec's 64 KiB for the whole profile.
/// </summary>
public static class ProfileFields
{
    public const string DisplayName = "displayname";
    public const string AvatarUrl = "avatar_url";

    public const int MaxDisplayNameLength = 256;
    public const int MaxAvatarUrlLength = 1000;

    /// <summary>A display name to store: an empty one clears the field (null).</summary>
    public static string? CheckDisplayName(string value)
    {
        if (value.Length == 0) return null;
        if (value.EnumerateRunes().Count() > MaxDisplayNameLength)
            throw MatrixException.InvalidParam($"The display name is longer than {MaxDisplayNameLength} characters.");
        if (value.Contains('\0'))
            throw MatrixException.InvalidParam("The display name contains a NUL character.");
        return value;
    }

    /// <summary>An avatar URL to store: an mxc:// URI; an empty one clears the field (null), as clients use it to remove an avatar.</summary>
    public static string? CheckAvatarUrl(string value)
    {
        if (value.Length == 0) return null;
        if (value.Length > MaxAvatarUrlLength)
            throw MatrixException.InvalidParam($"The avatar URL is longer than {MaxAvatarUrlLength} characters.");
        if (!IsMxcUri(value))
            throw MatrixException.InvalidParam("The avatar URL must be an mxc:// URI (mxc://server/media-id).");
        return value;
    }

    /// <summary><c>mxc://{server name}/{media id}</c> with a media id of <c>A-Z a-z 0-9 _ -</c> (client-server API, "Matrix Content URIs").</summary>
    public static bool IsMxcUri(string value)
    {
        const string scheme = "mxc://";
        if (!value.StartsWith(scheme, StringComparison.Ordinal)) return false;
        var rest = value.AsSpan(scheme.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0) return false;
        var mediaId = rest[(slash + 1)..];
        return ServerName.IsValid(rest[..slash].ToString())
            && mediaId.Length > 0
            && !mediaId.ContainsAnyExcept(MediaIdCharacters);
    }

    private static readonly System.Buffers.SearchValues<char> MediaIdCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
}
