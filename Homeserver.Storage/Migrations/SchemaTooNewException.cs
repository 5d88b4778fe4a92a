namespace Homeserver.Storage.Migrations;

/// <summary>
/// The database was migrated by a newer homeserver than this one: running against it could
/// corrupt data, so start-up stops.
/// </summary>
public sealed class SchemaTooNewException(int databaseVersion, int knownVersion) : Exception(
    $"The database schema is at version {databaseVersion}, but this homeserver only knows schema versions up to {knownVersion}. " +
    "The database was upgraded by a newer homeserver release; run that release (or newer), or restore a backup made before the upgrade.")
{
    public int DatabaseVersion { get; } = databaseVersion;

    public int KnownVersion { get; } = knownVersion;
}
