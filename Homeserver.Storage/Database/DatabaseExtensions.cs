using System.Data.Common;

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
}
