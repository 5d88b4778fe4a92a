using Homeserver.Storage.Database;
using Npgsql;

namespace Homeserver.Tests.Storage;

/// <summary>The pool settings the store applies to PostgreSQL connection strings.</summary>
public class PostgresSettingsTests
{
    [Fact]
    public void Pooled_connections_skip_the_reset_round_trip_unless_the_operator_decides()
    {
        var plain = new NpgsqlConnectionStringBuilder("Host=db;Username=u");
        PostgresDatabase.ApplyDefaults(plain);
        plain.NoResetOnClose.Should().BeTrue();

        var chosen = new NpgsqlConnectionStringBuilder("Host=db;Username=u;No Reset On Close=false");
        PostgresDatabase.ApplyDefaults(chosen);
        chosen.NoResetOnClose.Should().BeFalse();
    }
}
