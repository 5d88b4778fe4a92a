using Homeserver.Storage.Database;
using Homeserver.Storage.Migrations;

namespace Homeserver.Tests.Storage;

public class MigrationCatalogTests
{
    [Fact]
    public void Both_backends_ship_the_same_numbered_migrations()
    {
        var sqlite = MigrationCatalog.For(SqliteDialect.Instance);
        var postgres = MigrationCatalog.For(PostgresDialect.Instance);

        sqlite.Should().NotBeEmpty();
        sqlite.Select(m => (m.Version, m.Name)).Should().Equal(postgres.Select(m => (m.Version, m.Name)));
        sqlite[0].Should().Match<Migration>(m => m.Version == 1 && m.Name == "initial");
        sqlite[0].Sql.Should().Contain("CREATE TABLE schema_version").And.Contain("CREATE TABLE access_tokens");
        postgres[0].Sql.Should().Contain("CREATE TABLE schema_version").And.Contain("CREATE TABLE access_tokens");
    }

    [Fact]
    public void Gaps_and_duplicates_in_the_numbering_are_refused()
    {
        var gap = () => MigrationCatalog.CheckNumbering([new Migration(1, "a", ""), new Migration(3, "c", "")], "test");
        var duplicate = () => MigrationCatalog.CheckNumbering([new Migration(1, "a", ""), new Migration(1, "b", "")], "test");
        var none = () => MigrationCatalog.CheckNumbering([], "test");

        gap.Should().Throw<InvalidOperationException>().WithMessage("*found 3 (c) where 2 was expected*");
        duplicate.Should().Throw<InvalidOperationException>().WithMessage("*found 1 (b) where 2 was expected*");
        none.Should().Throw<InvalidOperationException>();
    }
}
