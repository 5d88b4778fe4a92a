using System.Text.Json.Nodes;

namespace Homeserver.Federation.Transport;

/// <summary>
/// The outbound side of federation: PDUs of local users go to the servers in their room on their own
/// (the sender follows committed room events); EDUs are handed over here. Each destination has a
/// durable queue, one transaction in flight and backoff when unreachable.
/// </summary>
public interface IFederationSender
{
    /// <summary>Queues an EDU for one server. Never blocks on the network; the own server name is ignored.</summary>
    void QueueEdu(string destination, string eduType, JsonObject content);

    /// <summary>Queues the same EDU for several servers.</summary>
    void QueueEdu(IEnumerable<string> destinations, string eduType, JsonObject content);
}
