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

    [Fact]
    public void Statements_run_again_are_prepared_unless_the_operator_decides()
    {
        var plain = new NpgsqlConnectionStringBuilder("Host=db;Username=u");
        PostgresDatabase.ApplyDefaults(plain);
        plain.MaxAutoPrepare.Should().Be(PostgresDatabase.DefaultMaxAutoPrepare);
        plain.AutoPrepareMinUsages.Should().Be(2);

        var chosen = new NpgsqlConnectionStringBuilder("Host=db;Username=u;Max Auto Prepare=0;Auto Prepare Min Usages=7");
        PostgresDatabase.ApplyDefaults(chosen);
        chosen.MaxAutoPrepare.Should().Be(0);
        chosen.AutoPrepareMinUsages.Should().Be(7);
    }
}
