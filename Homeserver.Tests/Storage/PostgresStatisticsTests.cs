using Dapper;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Homeserver.Tests.Storage;

/// <summary>The planner statistics of tables that grow faster than autovacuum visits are refreshed by the store.</summary>
public sealed class PostgresStatisticsTests(PostgresBackendFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresBackendFixture>
{
    [SkippableFact]
    public async Task A_table_that_doubled_since_its_last_analysis_is_analyzed_once()
    {
        var options = await fixture.CreateEmptyDatabaseAsync();
        await using var database = (PostgresDatabase)await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None);
        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("CREATE TABLE growing (id bigint PRIMARY KEY)");
            await connection.ExecuteAsync("INSERT INTO growing SELECT generate_series(1, @Rows)", new { Rows = PostgresStatisticsRefresher.MinChanges + 100 });
            await connection.ExecuteAsync("CREATE TABLE small (id bigint PRIMARY KEY)");
            await connection.ExecuteAsync("INSERT INTO small SELECT generate_series(1, 10)");
        }

        // The server publishes a session's table counters within about a second of its transaction.
        IReadOnlyList<string> analyzed = [];
        for (var attempt = 0; attempt < 50 && !analyzed.Contains("growing"); attempt++)
        {
            await Task.Delay(200);
            analyzed = await database.RefreshStatisticsAsync(CancellationToken.None);
        }
        output.WriteLine($"analyzed: {string.Join(", ", analyzed)}");
        analyzed.Should().Contain("growing").And.NotContain("small");

        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
        {
            (await connection.ExecuteScalarAsync<float>("SELECT reltuples FROM pg_class WHERE relname = 'growing'"))
                .Should().Be(PostgresStatisticsRefresher.MinChanges + 100);
        }
        (await database.RefreshStatisticsAsync(CancellationToken.None)).Should().NotContain("growing", "it has not changed since");
    }
}
