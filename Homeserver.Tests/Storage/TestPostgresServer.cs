using Npgsql;
using Xunit.Abstractions;

namespace Homeserver.Tests.Storage;

/// <summary>
/// The PostgreSQL server the store tests use, named by the HOMESERVER_TEST_POSTGRES environment
/// variable (a server connection string such as <c>Host=127.0.0.1;Username=postgres;Password=postgres</c>).
/// Without a reachable server the PostgreSQL tests are skipped with the reason, except when
/// CI=true: there a missing database is a failure, never a silent skip.
/// </summary>
internal static class TestPostgresServer
{
    public const string Variable = "HOMESERVER_TEST_POSTGRES";

    private static readonly Lazy<Task<string?>> Problem = new(FindProblemAsync);

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static int _skipAnnounced;

    /// <summary>
    /// Connection string builder for the server's maintenance database; skips or fails when
    /// unreachable. The first skip also tells the runner's output why (once per run).
    /// </summary>
    public static async Task<NpgsqlConnectionStringBuilder> RequireAsync(IMessageSink diagnostics)
    {
        var problem = await Problem.Value;
        if (problem is null)
            return ServerConnection();
        if (IsCi)
            throw new InvalidOperationException($"CI=true requires the PostgreSQL store tests to run, but {problem}");
        var reason = $"PostgreSQL store tests skipped: {problem} (with CI=true this is a failure)";
        if (Interlocked.Exchange(ref _skipAnnounced, 1) == 0)
            diagnostics.OnMessage(new Xunit.Sdk.DiagnosticMessage(reason));
        throw new SkipException(reason);
    }

    private static NpgsqlConnectionStringBuilder ServerConnection() =>
        new(Environment.GetEnvironmentVariable(Variable)) { Database = "postgres", Timeout = 10, MaxPoolSize = 10 };

    private static async Task<string?> FindProblemAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
            return $"{Variable} is not set (for example 'Host=127.0.0.1;Username=postgres;Password=postgres').";
        try
        {
            await using var connection = new NpgsqlConnection(ServerConnection().ConnectionString);
            await connection.OpenAsync();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or TimeoutException)
        {
            return $"the server named by {Variable} is not reachable: {e.Message}";
        }
    }
}
