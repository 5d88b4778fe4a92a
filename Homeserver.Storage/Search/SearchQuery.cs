namespace Homeserver.Storage.Search;

/// <summary>
/// A full-text query over indexed events. <see cref="Terms"/> are words of letters and digits, each matched
/// as a prefix, all required. Results lie in <see cref="RoomIds"/>, under one of <see cref="Keys"/>, at or
/// below stream position <see cref="UpTo"/>; ordered by rank (best first) or by position (newest first),
/// skipping <see cref="Offset"/> and returning at most <see cref="Limit"/>.
/// </summary>
public sealed record SearchQuery(IReadOnlyList<string> Terms, IReadOnlyCollection<string> RoomIds, IReadOnlyCollection<string> Keys,
    bool OrderByRank, long UpTo, int Offset, int Limit);

/// <summary>One match: higher <see cref="Rank"/> is more relevant.</summary>
public sealed record SearchHit(string EventId, string RoomId, long StreamOrdering, double Rank);
