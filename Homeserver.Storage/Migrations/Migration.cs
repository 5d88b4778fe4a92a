namespace Homeserver.Storage.Migrations;

/// <summary>One numbered, forward-only schema change: the SQL script of one backend.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
