namespace Homeserver.Configuration;

/// <summary>
/// The configuration cannot be used. Each of <see cref="Errors"/> names the key and what is wrong
/// (<c>listeners[0].port: must be 1..65535</c>); the host prints them and exits without a stack trace.
/// </summary>
public sealed class ConfigException(IReadOnlyList<string> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public ConfigException(string error) : this([error]) { }

    public IReadOnlyList<string> Errors { get; } = errors;
}
