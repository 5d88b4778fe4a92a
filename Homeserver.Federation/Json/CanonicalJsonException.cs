namespace Homeserver.Federation.Json;

/// <summary>JSON input is not acceptable (malformed, or outside the canonical JSON rules), or a value cannot be encoded.</summary>
public sealed class CanonicalJsonException(string message) : FormatException(message);
