namespace Homeserver.Accounts;

/// <summary>Log messages of accounts and sessions; event ids 2400-2499. Passwords and tokens are never logged.</summary>
internal static partial class AccountLog
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "Registered {UserId} (guest: {IsGuest}, admin: {Admin})")]
    public static partial void Registered(ILogger logger, string userId, bool isGuest, bool admin);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Password of {UserId} changed")]
    public static partial void PasswordChanged(ILogger logger, string userId);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Deactivated {UserId}")]
    public static partial void Deactivated(ILogger logger, string userId);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Debug, Message = "Failed password login for {User}")]
    public static partial void LoginFailed(ILogger logger, string user);
}
