namespace Homeserver.Federation.Identifiers;

/// <summary>
/// A signing key id <c>algorithm:version</c> (appendices, "Signing Details"; server keys), e.g.
/// <c>ed25519:abc123</c>. The version matches <c>[a-zA-Z0-9_]+</c>.
/// </summary>
public readonly record struct KeyId(string Algorithm, string Version)
{
    public const string Ed25519 = "ed25519";

    public override string ToString() => Algorithm + ":" + Version;

    public static bool TryParse(string? text, out KeyId id)
    {
        id = default;
        if (text is null || text.Length > 255) return false;
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        var algorithm = text[..colon];
        var version = text[(colon + 1)..];
        if (!algorithm.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) return false;
        if (!version.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        id = new KeyId(algorithm, version);
        return true;
    }

    public static KeyId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"invalid key id \"{text}\"");
}
