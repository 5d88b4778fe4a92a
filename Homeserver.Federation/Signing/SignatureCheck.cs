namespace Homeserver.Federation.Signing;

/// <summary>The outcome of checking signatures: valid, or why not.</summary>
public readonly record struct SignatureCheck(bool IsValid, string Reason)
{
    public static SignatureCheck Valid(int count) => new(true, count == 1 ? "1 signature verified" : $"{count} signatures verified");
    public static SignatureCheck Invalid(string reason) => new(false, reason);

    public override string ToString() => (IsValid ? "valid: " : "invalid: ") + Reason;
}
