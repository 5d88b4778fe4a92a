using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Storage.UserData;
using Homeserver.UserData;

namespace Homeserver.FederationQueries;

/// <summary>
/// Profiles of other servers' users, asked of their server with <c>GET /_matrix/federation/v1/query/profile</c>
/// and kept for <see cref="CacheTime"/> (the spec invites caching; a profile shown a minute late is harmless).
/// The answer is untrusted: only string fields within this server's own limits are kept (an avatar only as an
/// <c>mxc://</c> URI). A remote 404 means no profile (null); other failures are 502 errors and are not cached.
/// </summary>
public sealed class RemoteProfiles(RemoteQueryClient client, TimeProvider time)
{
    public static readonly TimeSpan CacheTime = TimeSpan.FromMinutes(1);

    /// <summary>Profiles kept at most; the cache is emptied when it grows past this.</summary>
    public const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, CachedProfile> _cache = new(StringComparer.Ordinal);

    public async Task<ProfileRecord?> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        var id = userId.ToString();
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.ExpiresAt > now) return cached.Profile;

        ProfileRecord? profile;
        try
        {
            var answer = await client.GetAsync(userId.Server.ToString(), "/_matrix/federation/v1/query/profile?user_id=" + Uri.EscapeDataString(id),
                "Profile not found.", cancellationToken);
            profile = new ProfileRecord(id, DisplayName(answer), AvatarUrl(answer));
        }
        catch (MatrixException e) when (e.StatusCode == 404)
        {
            profile = null;
        }
        if (_cache.Count >= MaxCached) _cache.Clear();
        _cache[id] = new CachedProfile(profile, now + CacheTime);
        return profile;
    }

    private static string? DisplayName(JsonObject answer) =>
        StringField(answer, ProfileFields.DisplayName) is { } name && name.Length > 0
            && name.EnumerateRunes().Count() <= ProfileFields.MaxDisplayNameLength && !name.Contains('\0')
            ? name
            : null;

    private static string? AvatarUrl(JsonObject answer) =>
        StringField(answer, ProfileFields.AvatarUrl) is { } url && url.Length <= ProfileFields.MaxAvatarUrlLength
            && url.StartsWith("mxc://", StringComparison.Ordinal)
            ? url
            : null;

    private static string? StringField(JsonObject answer, string name) =>
        answer[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private sealed record CachedProfile(ProfileRecord? Profile, DateTimeOffset ExpiresAt);
}
