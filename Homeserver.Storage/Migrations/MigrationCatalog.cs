using System.Reflection;
using System.Text.RegularExpressions;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Migrations;

/// <summary>
/// Loads the migration scripts embedded in this assembly (Migrations/{Backend}/NNNN_name.sql)
/// and checks that they are numbered 1, 2, 3, ... without gaps or duplicates.
/// </summary>
internal static partial class MigrationCatalog
{
    private const string ResourcePrefix = "Homeserver.Storage.Migrations.";

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();

    public static IReadOnlyList<Migration> For(SqlDialect dialect)
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var prefix = ResourcePrefix + dialect.MigrationFolder + ".";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var match = ScriptName().Match(fileName);
            if (!match.Success)
                throw new InvalidOperationException($"Migration script '{resource}' is not named NNNN_lowercase_name.sql.");
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, ReadResource(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        CheckNumbering(migrations, dialect.MigrationFolder);
        return migrations;
    }

    /// <summary>Throws unless the versions run 1, 2, 3, ... with no gap and no duplicate.</summary>
    public static void CheckNumbering(IReadOnlyList<Migration> migrations, string source)
    {
        if (migrations.Count == 0)
            throw new InvalidOperationException($"No migration scripts found for {source}.");
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException(
                    $"Migrations for {source} must be numbered 1, 2, 3, ... without gaps or duplicates; found {migrations[i].Version} ({migrations[i].Name}) where {i + 1} was expected.");
        }
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration '{resource}' cannot be read.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
