namespace Homeserver.Storage;

/// <summary>A write collided with an existing row (a unique or primary key already taken).</summary>
public sealed class StorageConflictException : Exception
{
    public StorageConflictException(string message)
        : base(message)
    {
    }

    public StorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
