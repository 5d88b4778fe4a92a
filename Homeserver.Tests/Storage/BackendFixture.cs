using Homeserver.Storage;
using Homeserver.Storage.Database;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.Storage;

/// <summary>
/// One backend for the tests of one class: hands out fresh empty databases and a shared migrated
/// one, and removes them all when the class is done.
/// </summary>
public abstract class BackendFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _sharedGate = new(1, 1);
    private IDatabase? _shared;

    public abstract DatabaseBackend Backend { get; }

    /// <summary>Options for a new, empty database of this backend (skips the test when the backend is unavailable).</summary>
    public abstract Task<StorageOptions> CreateEmptyDatabaseAsync();

    /// <summary>A migrated database shared by the tests of the class.</summary>
    public async Task<IDatabase> GetSharedDatabaseAsync()
    {
        await _sharedGate.WaitAsync();
        try
        {
            return _shared ??= await HomeserverStorage.OpenAsync(await CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, CancellationToken.None);
        }
        finally
        {
            _sharedGate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_shared is not null)
            await _shared.DisposeAsync();
        await RemoveDatabasesAsync();
        _sharedGate.Dispose();
    }

    protected abstract Task RemoveDatabasesAsync();
}
