using Homeserver.Storage;
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
}
