namespace Homeserver.Storage;

/// <summary>A write collided with an existing row (a unique or primary key already taken).</summary>
public sealed class StorageConflictException(string message, Exception innerException)
    : Exception(message, innerException);
