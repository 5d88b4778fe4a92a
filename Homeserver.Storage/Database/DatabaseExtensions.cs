using System.Data.Common;
using Dapper;

namespace Homeserver.Storage.Database;

public static class DatabaseExtensions
{
    /// <summary>Runs <paramref name="work"/>, which returns nothing, in one write transaction.</summary>
    public static Task InTransactionAsync(
        this IDatabase database, Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        }, cancellationToken);

    /// <summary>Runs one statement in its own write transaction; returns the affected row count.</summary>
    public static Task<int> ExecuteInTransactionAsync(
        this IDatabase database, string sql, object? parameters, CancellationToken cancellationToken) =>
        database.InTransactionAsync((connection, transaction) => connection.ExecuteAsync(
            new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
