namespace Homeserver.Federation.Identifiers;

/// <summary>
/// A user id <c>@localpart:server</c> (appendices, "User Identifiers"). Parsing accepts historical
/// localparts (any Unicode scalar values except <c>:</c> and NUL, even empty), as servers must for
/// events over federation; <see cref="IsCompliant"/> tells whether it meets the current grammar
/// (<c>a-z 0-9 . _ = - / +</c>), which new user ids must.
/// </summary>
public readonly record struct UserId
{
    private UserId(string value, string localpart, ServerName server)
    {
        Value = value;
        Localpart = localpart;
        Server = server;
    }

    public string Value { get; }
    public string Localpart { get; }
    public ServerName Server { get; }

    /// <summary>The localpart follows the current grammar (not only the historical one).</summary>
    public bool IsCompliant => IsCompliantLocalpart(Localpart);

    public override string ToString() => Value ?? "";

    public static bool TryParse(string? text, out UserId id)
    {
        id = default;
        if (!IdentifierLimits.TrySplit(text, '@', out var localpart, out var server)) return false;
        id = new UserId(text!, localpart, server);
        return true;
    }

    public static UserId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"invalid user id \"{text}\"");

    /// <summary>Valid under the historical grammar (what events from other servers may carry).</summary>
    public static bool IsValid(string? text) => TryParse(text, out _);

    /// <summary>Valid under the current grammar (what new users must have).</summary>
    public static bool IsValidCompliant(string? text) => TryParse(text, out var id) && id.IsCompliant;

    public static bool IsCompliantLocalpart(string localpart) =>
        localpart.Length > 0 && localpart.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c is '-' or '.' or '=' or '_' or '/' or '+');
}
