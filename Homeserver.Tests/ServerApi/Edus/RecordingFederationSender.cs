using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>An <see cref="IFederationSender"/> that records the EDUs it is given instead of sending them.</summary>
public sealed class RecordingFederationSender : IFederationSender
{
    public sealed record QueuedEdu(string Destination, string EduType, JsonObject Content);

    private readonly ConcurrentQueue<QueuedEdu> _queued = new();

    public IReadOnlyList<QueuedEdu> Queued => [.. _queued];

    /// <summary>The EDUs of a type whose content matches, in order.</summary>
    public IReadOnlyList<QueuedEdu> Of(string eduType, Func<JsonObject, bool>? match = null) =>
        [.. _queued.Where(e => e.EduType == eduType && (match is null || match(e.Content)))];

    public void QueueEdu(string destination, string eduType, JsonObject content) =>
        _queued.Enqueue(new QueuedEdu(destination, eduType, (JsonObject)content.DeepClone()));

    public void QueueEdu(IEnumerable<string> destinations, string eduType, JsonObject content)
    {
        foreach (var destination in destinations)
            QueueEdu(destination, eduType, content);
    }
}
