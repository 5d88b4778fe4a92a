using Homeserver.Federation.Transport;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Receiving;

/// <summary>
/// Hands each inbound EDU to the <see cref="IEduHandler"/>s registered for its type, in transaction order.
/// Unknown types are ignored; a failing handler is logged and affects only that EDU.
/// </summary>
public sealed class EduDispatcher
{
    private readonly Dictionary<string, IEduHandler[]> _handlers;
    private readonly ILogger<EduDispatcher> _logger;

    public EduDispatcher(IEnumerable<IEduHandler> handlers, ILogger<EduDispatcher> logger)
    {
        _handlers = handlers.GroupBy(h => h.EduType, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _logger = logger;
    }

    public async Task DispatchAsync(string origin, IReadOnlyList<InboundEdu> edus, CancellationToken cancellationToken)
    {
        foreach (var edu in edus)
        {
            if (!_handlers.TryGetValue(edu.EduType, out var handlers)) continue;
            foreach (var handler in handlers)
            {
                try
                {
                    await handler.HandleAsync(origin, edu.Content, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    ReceivingLog.EduFailed(_logger, e, edu.EduType, origin, handler.GetType().Name);
                }
            }
        }
    }
}
