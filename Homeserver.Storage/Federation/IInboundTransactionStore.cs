namespace Homeserver.Storage.Federation;

/// <summary>
/// The answers given to inbound federation transactions by (origin, transaction id), so a retried
/// transaction is answered again without being processed again.
/// </summary>
public interface IInboundTransactionStore
{
    /// <summary>The stored answer (JSON text), or null when the transaction was not processed.</summary>
    Task<string?> GetResponseAsync(string origin, string transactionId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the answer (the first one wins) and forgets this origin's answers older than
    /// <paramref name="forgetBeforeMs"/>.
    /// </summary>
    Task SaveResponseAsync(string origin, string transactionId, string responseJson, long nowMs, long forgetBeforeMs,
        CancellationToken cancellationToken);
}
