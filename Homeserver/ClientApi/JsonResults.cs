namespace Homeserver.ClientApi;

/// <summary>Responses built from stored JSON text, sent as is.</summary>
public static class JsonResults
{
    /// <summary>The empty object most write endpoints answer with.</summary>
    public static IResult Empty { get; } = Results.Text("{}", "application/json");

    /// <summary>Stored JSON text (account data content, a filter) as the response body.</summary>
    public static IResult Raw(string json) => Results.Text(json, "application/json");
}
