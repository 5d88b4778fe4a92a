using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.Accounts;

namespace Homeserver.Accounts;

/// <summary>
/// Devices and their tokens: issues access (and refresh) tokens for a device at login and registration,
/// rotates them on refresh, and removes them at logout, device deletion, password change and deactivation.
/// A deleted device's waiting to-device messages go with it.
/// </summary>
public sealed class DeviceSessions(
    IAccessTokenStore accessTokens,
    IRefreshTokenStore refreshTokens,
    IDeviceStore devices,
    HomeserverConfig config,
    TimeProvider time,
    IEnumerable<IDeviceChangeListener> deviceListeners)
{
    /// <summary>Longest device id accepted from a client.</summary>
    public const int MaxDeviceIdLength = 255;

    /// <summary>Longest device display name kept (Synapse's limit); longer initial names are cut.</summary>
    public const int MaxDisplayNameLength = 100;

    /// <summary>400 <c>M_INVALID_PARAM</c> unless a client-chosen device id is 1 to 255 characters.</summary>
    public static void CheckDeviceId(string? deviceId)
    {
        if (deviceId is not null && (deviceId.Length is 0 or > MaxDeviceIdLength))
            throw MatrixException.InvalidParam($"device_id must be 1 to {MaxDeviceIdLength} characters.");
    }

    /// <summary>
    /// Creates the device (or reuses the client's existing one, whose old tokens are revoked as the spec
    /// says) and issues a new access token; with <paramref name="refreshable"/>, an expiring one and a refresh token.
    /// </summary>
    public async Task<IssuedSession> StartAsync(
        string userId, string? requestedDeviceId, string? initialDisplayName, bool refreshable, bool isGuest, string? clientIp,
        CancellationToken cancellationToken)
    {
        CheckDeviceId(requestedDeviceId);
        if (initialDisplayName is { Length: > MaxDisplayNameLength })
            initialDisplayName = initialDisplayName[..MaxDisplayNameLength];
        var deviceId = requestedDeviceId ?? TokenGenerator.NewDeviceId();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var created = await devices.UpsertAsync(new DeviceRecord(userId, deviceId, initialDisplayName, now, clientIp), cancellationToken);
        if (!created)
            await RevokeTokensAsync(userId, deviceId, cancellationToken);
        return await IssueTokensAsync(userId, deviceId, refreshable, isGuest, cancellationToken);
    }

    /// <summary>
    /// Exchanges a refresh token for a new access token and refresh token on the same device. The refresh token
    /// is used up and the access token issued with it revoked; an unknown or used one gives 401 <c>M_UNKNOWN_TOKEN</c>.
    /// </summary>
    public async Task<IssuedSession> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var record = await refreshTokens.TakeAsync(AccessTokenAuthenticator.HashToken(refreshToken), cancellationToken)
            ?? throw MatrixException.UnknownToken(message: "Unknown or already used refresh token.");
        var previous = await accessTokens.FindByTokenHashAsync(record.AccessTokenHash, cancellationToken);
        await accessTokens.DeleteAsync(record.AccessTokenHash, cancellationToken);
        return await IssueTokensAsync(record.UserId, record.DeviceId, refreshable: true, previous?.IsGuest ?? false, cancellationToken);
    }

    /// <summary>Logs out one device: its tokens and the device itself go. False when the user has no such device.</summary>
    public async Task<bool> DeleteDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await RevokeTokensAsync(userId, deviceId, cancellationToken);
        var deleted = await devices.DeleteAsync(userId, deviceId, cancellationToken);
        await NotifyDeletedAsync(userId, [deviceId], cancellationToken);
        return deleted;
    }

    /// <summary>Logs out every device of the user except <paramref name="keepDeviceId"/>, when given.</summary>
    public async Task DeleteAllDevicesAsync(string userId, string? keepDeviceId, CancellationToken cancellationToken)
    {
        await accessTokens.DeleteByUserAsync(userId, keepDeviceId, cancellationToken);
        await refreshTokens.DeleteByUserAsync(userId, keepDeviceId, cancellationToken);
        var deleted = (await devices.ListAsync(userId, cancellationToken)).Select(d => d.DeviceId).Where(id => id != keepDeviceId).ToList();
        if (keepDeviceId is null)
            await devices.DeleteAllAsync(userId, cancellationToken);
        else
            foreach (var deviceId in deleted)
                await devices.DeleteAsync(userId, deviceId, cancellationToken);
        await NotifyDeletedAsync(userId, deleted, cancellationToken);
    }

    /// <summary>Tells the listeners (end-to-end keys) which devices went.</summary>
    private async Task NotifyDeletedAsync(string userId, IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        foreach (var listener in deviceListeners)
            foreach (var deviceId in deviceIds)
                await listener.OnDeviceDeletedAsync(userId, deviceId, cancellationToken);
    }

    private async Task RevokeTokensAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await accessTokens.DeleteByDeviceAsync(userId, deviceId, cancellationToken);
        await refreshTokens.DeleteByDeviceAsync(userId, deviceId, cancellationToken);
    }

    private async Task<IssuedSession> IssueTokensAsync(string userId, string deviceId, bool refreshable, bool isGuest, CancellationToken cancellationToken)
    {
        var accessToken = TokenGenerator.NewAccessToken();
        var accessTokenHash = AccessTokenAuthenticator.HashToken(accessToken);
        long? expiresInMs = refreshable ? (long)config.RefreshableAccessTokenLifetime.TotalMilliseconds : null;
        long? expiresAtMs = expiresInMs is { } lifetime ? time.GetUtcNow().ToUnixTimeMilliseconds() + lifetime : null;
        await accessTokens.AddAsync(accessTokenHash, new AccessTokenRecord(userId, deviceId, expiresAtMs, isGuest), cancellationToken);
        if (!refreshable)
            return new IssuedSession(userId, deviceId, accessToken, null, null);

        var refreshToken = TokenGenerator.NewRefreshToken();
        await refreshTokens.AddAsync(AccessTokenAuthenticator.HashToken(refreshToken), new RefreshTokenRecord(userId, deviceId, accessTokenHash), cancellationToken);
        return new IssuedSession(userId, deviceId, accessToken, refreshToken, expiresInMs);
    }
}
