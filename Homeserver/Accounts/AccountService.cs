using System.Security.Cryptography;
using Homeserver.Federation.Http;
using Homeserver.Storage;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.UserData;

namespace Homeserver.Accounts;

/// <summary>Local accounts: creation, password checks and changes, deactivation.</summary>
public sealed class AccountService(
    IUserStore users, IProfileStore profiles, PasswordHasher hasher, LocalUsers localUsers, DeviceSessions sessions, TimeProvider time, ILogger<AccountService> logger)
{
    /// <summary>
    /// The user id a registration with <paramref name="username"/> would create, checked for grammar (400
    /// <c>M_INVALID_USERNAME</c>) and availability (400 <c>M_USER_IN_USE</c>).
    /// </summary>
    public async Task<string> CheckAvailableAsync(string username, CancellationToken cancellationToken)
    {
        var userId = localUsers.UserIdForNewAccount(username);
        if (await users.ExistsAsync(userId, cancellationToken))
            throw UserInUse();
        return userId;
    }

    /// <summary>Rejects a password that cannot be stored: 400 <c>M_INVALID_PARAM</c> when empty or too long.</summary>
    public static void CheckPassword(string password)
    {
        if (password.Length == 0 || password.Length > PasswordHasher.MaxPasswordLength)
            throw MatrixException.InvalidParam($"The password must be 1 to {PasswordHasher.MaxPasswordLength} characters.");
    }

    /// <summary>Creates an account; 400 <c>M_USER_IN_USE</c> when the id was taken meanwhile.</summary>
    public async Task CreateAsync(string userId, string? password, bool isGuest, bool admin, CancellationToken cancellationToken)
    {
        var hash = password is null ? null : hasher.Hash(password);
        try
        {
            await users.CreateAsync(new UserRecord(userId, hash, time.GetUtcNow().ToUnixTimeMilliseconds(), isGuest, Deactivated: false, admin), cancellationToken);
        }
        catch (StorageConflictException)
        {
            throw UserInUse();
        }
        await CreateProfileAsync(userId, cancellationToken);
        AccountLog.Registered(logger, userId, isGuest, admin);
    }

    /// <summary>A new user's profile, with the localpart as display name (as Synapse does); kept if one exists already.</summary>
    private async Task CreateProfileAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            await profiles.CreateAsync(userId, userId[1..userId.IndexOf(':')], cancellationToken);
        }
        catch (StorageConflictException)
        {
            // A profile left by an earlier account of this id (profiles outlive deactivation).
        }
    }

    /// <summary>Creates an account with a generated numeric localpart (guests, and registrations without a username).</summary>
    public async Task<string> CreateWithGeneratedIdAsync(string? password, bool isGuest, CancellationToken cancellationToken)
    {
        while (true)
        {
            var userId = localUsers.UserIdForNewAccount(RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                await CreateAsync(userId, password, isGuest, admin: false, cancellationToken);
                return userId;
            }
            catch (MatrixException e) when (e.ErrorCode == ErrorCodes.UserInUse)
            {
                // Another account has this number; draw again.
            }
        }
    }

    /// <summary>
    /// The active account named by <paramref name="user"/> (localpart or user id) if <paramref name="password"/> is
    /// its password, else null. Takes as long for unknown users as for known ones.
    /// </summary>
    public async Task<UserRecord?> CheckPasswordAsync(string user, string password, CancellationToken cancellationToken)
    {
        var userId = localUsers.ResolveLogin(user);
        var account = userId is null ? null : await users.FindAsync(userId, cancellationToken);
        var matches = hasher.Verify(password, account?.PasswordHash);
        return matches && account is { Deactivated: false } ? account : null;
    }

    public async Task ChangePasswordAsync(string userId, string newPassword, CancellationToken cancellationToken)
    {
        CheckPassword(newPassword);
        if (!await users.SetPasswordHashAsync(userId, hasher.Hash(newPassword), cancellationToken))
            throw MatrixException.NotFound("No such account.");
        AccountLog.PasswordChanged(logger, userId);
    }

    /// <summary>Deactivates the account: no password any more, and every device with its tokens removed.</summary>
    public async Task DeactivateAsync(string userId, CancellationToken cancellationToken)
    {
        await users.DeactivateAsync(userId, cancellationToken);
        await sessions.DeleteAllDevicesAsync(userId, keepDeviceId: null, cancellationToken);
        AccountLog.Deactivated(logger, userId);
    }

    private static MatrixException UserInUse() => new(400, ErrorCodes.UserInUse, "User ID already taken.");
}
