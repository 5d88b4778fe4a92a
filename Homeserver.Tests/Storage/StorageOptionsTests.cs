using Homeserver.Storage;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.Storage;

public class StorageOptionsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(":memory:")]
    [InlineData("file:x?mode=memory")]
    public async Task Unusable_sqlite_paths_are_refused_with_a_clear_error(string path)
    {
        var open = () => HomeserverStorage.OpenAsync(new StorageOptions { SqlitePath = path }, NullLoggerFactory.Instance, CancellationToken.None);

        await open.Should().ThrowAsync<ArgumentException>().WithMessage("*SQLite*");
    }

    [Theory]
    [InlineData(null, "*needs a connection string*")]
    [InlineData("Host=127.0.0.1;NoSuchKeyword=1", "*connection string is not valid*")]
    public async Task Unusable_postgres_settings_are_refused_with_a_clear_error(string? connectionString, string message)
    {
        var options = new StorageOptions { Backend = DatabaseBackend.Postgres, PostgresConnectionString = connectionString };

        var open = () => HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None);

        await open.Should().ThrowAsync<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public async Task An_unreachable_postgres_server_gives_a_clear_error()
    {
        var options = new StorageOptions
        {
            Backend = DatabaseBackend.Postgres,
            PostgresConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Password=x;Timeout=5",
        };

        var open = () => HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None);

        await open.Should().ThrowAsync<InvalidOperationException>().WithMessage("Cannot connect to the PostgreSQL database: *127.0.0.1:1*");
    }

    [Fact]
    public async Task A_sqlite_file_that_cannot_be_opened_gives_a_clear_error()
    {
        var folder = Directory.CreateTempSubdirectory("homeserver-tests-");
        try
        {
            // A directory where the database file should be: SQLite cannot open it.
            var path = Directory.CreateDirectory(Path.Combine(folder.FullName, "homeserver.db")).FullName;

            var open = () => HomeserverStorage.OpenAsync(new StorageOptions { SqlitePath = path }, NullLoggerFactory.Instance, CancellationToken.None);

            await open.Should().ThrowAsync<InvalidOperationException>().WithMessage($"Cannot open the SQLite database {path}: *");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_registered_services_give_a_working_access_token_store()
    {
        var folder = Directory.CreateTempSubdirectory("homeserver-tests-");
        try
        {
            await using var database = await HomeserverStorage.OpenAsync(
                new StorageOptions { SqlitePath = Path.Combine(folder.FullName, "homeserver.db") }, NullLoggerFactory.Instance, CancellationToken.None);
            await using var services = new ServiceCollection().AddHomeserverStorage(database).BuildServiceProvider();

            var store = services.GetRequiredService<IAccessTokenStore>();
            var hash = new byte[32];
            await store.AddAsync(hash, new AccessTokenRecord("@frank:example.org", "D1", null, false), CancellationToken.None);

            (await store.FindByTokenHashAsync(hash, CancellationToken.None))!.UserId.Should().Be("@frank:example.org");
            services.GetRequiredService<IDatabase>().Should().BeSameAs(database);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
