namespace Homeserver.Accounts;

/// <summary>Authentication types of login and user-interactive authentication, and identifier types.</summary>
public static class AuthTypes
{
    public const string Password = "m.login.password";
    public const string Token = "m.login.token";
    public const string Dummy = "m.login.dummy";
    public const string RegistrationToken = "m.login.registration_token";

    public const string UserIdentifier = "m.id.user";
    public const string ThirdPartyIdentifier = "m.id.thirdparty";
    public const string PhoneIdentifier = "m.id.phone";
}
