using Homeserver.Storage;
using Microsoft.Data.Sqlite;

namespace Homeserver.Tests.Storage;

/// <summary>SQLite files in a temporary folder, deleted afterwards.</summary>
public sealed class SqliteBackendFixture : BackendFixture
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "homeserver-tests-" + Guid.NewGuid().ToString("N"));

    public override DatabaseBackend Backend => DatabaseBackend.Sqlite;

    public override Task<StorageOptions> CreateEmptyDatabaseAsync() =>
        Task.FromResult(new StorageOptions
        {
            Backend = DatabaseBackend.Sqlite,
            SqlitePath = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db"),
        });

    protected override Task RemoveDatabasesAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
