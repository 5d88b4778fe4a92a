namespace Homeserver.Federation.History;

/// <summary>What one backfill stored: timeline events (with their stream orderings) and events it dropped, with why.</summary>
public sealed record BackfillResult(int Stored, IReadOnlyList<(string? EventId, string Reason)> Dropped)
{
    public static readonly BackfillResult Nothing = new(0, []);
}
