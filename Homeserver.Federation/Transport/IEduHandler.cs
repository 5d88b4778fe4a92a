using System.Text.Json.Nodes;

namespace Homeserver.Federation.Transport;

/// <summary>
/// Handles the inbound EDUs of one type from a transaction (<c>PUT /send/{txnId}</c>). Every handler
/// checks that <paramref name="origin"/> may speak for what the EDU names (its own users, rooms it is
/// in) and ignores what it may not; an exception affects only this EDU.
/// </summary>
public interface IEduHandler
{
    /// <summary>The <c>edu_type</c> handled, e.g. <c>m.typing</c>.</summary>
    string EduType { get; }

    Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken);
}
