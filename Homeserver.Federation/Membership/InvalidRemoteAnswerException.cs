namespace Homeserver.Federation.Membership;

/// <summary>Another server answered a membership handshake with something we must not use.</summary>
public sealed class InvalidRemoteAnswerException(string server, string reason) : Exception($"{server}: {reason}")
{
    public string Server { get; } = server;
}
