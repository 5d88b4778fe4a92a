using System.Data.Common;
using Homeserver.Configuration;
using Homeserver.Storage.Database;

namespace Homeserver.Hosting;

/// <summary>
/// The database while it is being opened and migrated on a thread-pool thread, so the host is built and the
/// endpoints are mapped meanwhile: the opening is mostly the database driver's first-use code (hundreds of methods
/// compiled on first call) and, where the server offers TLS, the handshake (measured: 300–700 ms of a 0.9–2 s start),
/// which then runs beside the host's set-up on the other core. Registered in
/// place of the opened database; a service that uses it before the opening finished waits for it. The server
/// awaits <see cref="OpenedAsync"/> before it starts its hosted services and listeners.
/// </summary>
public sealed class OpeningDatabase : IDatabase
{
    private readonly Task<IDatabase?> _opening;

    private OpeningDatabase(Task<IDatabase?> opening) => _opening = opening;

    /// <summary>Starts <see cref="StorageSetup.OpenAsync"/> on the thread pool.</summary>
    public static OpeningDatabase Start(HomeserverConfig config, TextWriter stderr) =>
        new(Task.Run(() => StorageSetup.OpenAsync(config, stderr)));

    /// <summary>The opened and migrated database; null (after a message on stderr) when it cannot be used.</summary>
    public Task<IDatabase?> OpenedAsync() => _opening;

    private IDatabase Opened => _opening.IsCompletedSuccessfully && _opening.Result is { } database
        ? database
        : _opening.GetAwaiter().GetResult() ?? throw new InvalidOperationException("The database could not be opened.");

    public SqlDialect Dialect => Opened.Dialect;

    public Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => Opened.OpenConnectionAsync(cancellationToken);

    public Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        Opened.InTransactionAsync(work, cancellationToken);

    /// <summary>Nothing: the program disposes the opened database itself (as the owner of <see cref="OpenedAsync"/>'s result).</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
