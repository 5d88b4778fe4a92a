namespace Homeserver.Federation.Http;

/// <summary>
/// The Matrix error codes (<c>errcode</c>) defined by the specification, common and endpoint-specific,
/// for the Client-Server and Server-Server APIs.
/// </summary>
public static class ErrorCodes
{
    // Common error codes: any endpoint may return these.
    public const string BadJson = "M_BAD_JSON";
    public const string Forbidden = "M_FORBIDDEN";
    public const string LimitExceeded = "M_LIMIT_EXCEEDED";
    public const string MissingToken = "M_MISSING_TOKEN";
    public const string NotFound = "M_NOT_FOUND";
    public const string NotJson = "M_NOT_JSON";
    public const string ResourceLimitExceeded = "M_RESOURCE_LIMIT_EXCEEDED";
    public const string Unknown = "M_UNKNOWN";
    public const string UnknownDevice = "M_UNKNOWN_DEVICE";
    public const string UnknownToken = "M_UNKNOWN_TOKEN";
    public const string Unrecognized = "M_UNRECOGNIZED";
    public const string UserLimitExceeded = "M_USER_LIMIT_EXCEEDED";
    public const string UserLocked = "M_USER_LOCKED";
    public const string UserSuspended = "M_USER_SUSPENDED";

    // Endpoint-specific error codes.
    public const string BadState = "M_BAD_STATE";
    public const string CannotLeaveServerNoticeRoom = "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM";
    public const string CaptchaInvalid = "M_CAPTCHA_INVALID";
    public const string CaptchaNeeded = "M_CAPTCHA_NEEDED";
    public const string Exclusive = "M_EXCLUSIVE";
    public const string GuestAccessForbidden = "M_GUEST_ACCESS_FORBIDDEN";
    public const string IncompatibleRoomVersion = "M_INCOMPATIBLE_ROOM_VERSION";
    public const string InvalidParam = "M_INVALID_PARAM";
    public const string InvalidRoomState = "M_INVALID_ROOM_STATE";
    public const string InvalidUsername = "M_INVALID_USERNAME";
    public const string MissingParam = "M_MISSING_PARAM";
    public const string RoomInUse = "M_ROOM_IN_USE";
    public const string ServerNotTrusted = "M_SERVER_NOT_TRUSTED";
    public const string ThreepidAuthFailed = "M_THREEPID_AUTH_FAILED";
    public const string ThreepidDenied = "M_THREEPID_DENIED";
    public const string ThreepidInUse = "M_THREEPID_IN_USE";
    public const string ThreepidMediumNotSupported = "M_THREEPID_MEDIUM_NOT_SUPPORTED";
    public const string ThreepidNotFound = "M_THREEPID_NOT_FOUND";
    public const string TooLarge = "M_TOO_LARGE";
    public const string Unauthorized = "M_UNAUTHORIZED";
    public const string UnsupportedRoomVersion = "M_UNSUPPORTED_ROOM_VERSION";
    public const string UserDeactivated = "M_USER_DEACTIVATED";
    public const string UserInUse = "M_USER_IN_USE";

    // Codes used by other modules of the specification.
    public const string WeakPassword = "M_WEAK_PASSWORD";
    public const string PasswordTooShort = "M_PASSWORD_TOO_SHORT";
    public const string PasswordNoDigit = "M_PASSWORD_NO_DIGIT";
    public const string PasswordNoUppercase = "M_PASSWORD_NO_UPPERCASE";
    public const string PasswordNoLowercase = "M_PASSWORD_NO_LOWERCASE";
    public const string PasswordNoSymbol = "M_PASSWORD_NO_SYMBOL";
    public const string PasswordInDictionary = "M_PASSWORD_IN_DICTIONARY";
    public const string InvalidSignature = "M_INVALID_SIGNATURE";
    public const string DuplicateAnnotation = "M_DUPLICATE_ANNOTATION";
    public const string NotYetUploaded = "M_NOT_YET_UPLOADED";
    public const string CannotOverwriteMedia = "M_CANNOT_OVERWRITE_MEDIA";
    public const string AppserviceLoginUnsupported = "M_APPSERVICE_LOGIN_UNSUPPORTED";
    public const string BadAlias = "M_BAD_ALIAS";
    public const string InviteBlocked = "M_INVITE_BLOCKED";
    public const string UnableToAuthoriseJoin = "M_UNABLE_TO_AUTHORISE_JOIN";
    public const string UnableToGrantJoin = "M_UNABLE_TO_GRANT_JOIN";
    public const string WrongRoomKeysVersion = "M_WRONG_ROOM_KEYS_VERSION";
    public const string UrlNotSet = "M_URL_NOT_SET";
    public const string BadStatus = "M_BAD_STATUS";
    public const string ConnectionTimeout = "M_CONNECTION_TIMEOUT";
}
