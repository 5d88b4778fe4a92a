namespace Homeserver.Configuration;

/// <summary>
/// The resource names a listener may serve, as in Synapse: <c>client</c> implies <c>media</c>,
/// <c>federation</c> implies <c>keys</c>.
/// </summary>
public static class ListenerResourceNames
{
    public const string Client = "client";
    public const string Federation = "federation";
    public const string Media = "media";
    public const string Keys = "keys";

    public static readonly IReadOnlyList<string> All = [Client, Federation, Media, Keys];
}
