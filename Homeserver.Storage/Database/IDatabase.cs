using System.Data.Common;

namespace Homeserver.Storage.Database;

/// <summary>
/// A database the stores query with Dapper. Reads open a connection; every write goes through
/// <see cref="InTransactionAsync{T}"/>, which makes writes safe under concurrency on both backends
/// (SQLite allows one writer at a time; the SQLite implementation queues writers instead of failing).
/// </summary>
public interface IDatabase : IAsyncDisposable
{
    /// <summary>Where the backends differ: the one place callers ask about it.</summary>
    SqlDialect Dialect { get; }

    /// <summary>Opens a connection from the pool; the caller disposes it.</summary>
    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> as one unit in a write transaction and commits it. If the work
    /// throws, the transaction is rolled back and the exception propagates. Do not call it again
    /// from inside <paramref name="work"/>: on SQLite the inner call would wait for the outer one.
    /// </summary>
    Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);
}
