using Homeserver.Federation.Authorization;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>The one place the state resolution tests get their <see cref="AuthCheck"/> from: the real auth rules.</summary>
public static class StateResolutionTestAuth
{
    public static readonly AuthCheck Check = EventAuthorizer.Default.Check;
}
