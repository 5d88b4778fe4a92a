namespace Homeserver.ClientApi;

/// <summary>The empty JSON object <c>{}</c> that many endpoints answer with.</summary>
public sealed class EmptyResponse
{
    public static EmptyResponse Instance { get; } = new();

    private EmptyResponse()
    {
    }
}
