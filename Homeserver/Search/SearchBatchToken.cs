using System.Globalization;
using Homeserver.Federation.Http;

namespace Homeserver.Search;

/// <summary>
/// A <c>next_batch</c> of <c>/search</c>. <c>Snapshot</c> is the stream position when the first page was
/// asked for: later events are left out of every page (and of the count), so they cannot shift the pages.
/// By rank, <c>r{offset}_{snapshot}</c>: the matches skipping the first offset. By recency,
/// <c>s{upTo}_{snapshot}</c>: the matches at or below position upTo.
/// </summary>
public sealed record SearchBatchToken(long UpTo, int Offset, long Snapshot)
{
    public static SearchBatchToken First(long snapshot) => new(snapshot, 0, snapshot);

    public string Format(bool orderByRank) => orderByRank
        ? string.Create(CultureInfo.InvariantCulture, $"r{Offset}_{Snapshot}")
        : string.Create(CultureInfo.InvariantCulture, $"s{UpTo}_{Snapshot}");

    public static SearchBatchToken Parse(string text, bool orderByRank)
    {
        var invalid = MatrixException.InvalidParam("'next_batch' is not a token from this search.");
        if (orderByRank)
        {
            if (!text.StartsWith('r') || text[1..].Split('_') is not [var offsetText, var rankSnapshotText]
                || !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                || !long.TryParse(rankSnapshotText, NumberStyles.None, CultureInfo.InvariantCulture, out var rankSnapshot))
                throw invalid;
            return First(rankSnapshot) with { Offset = offset };
        }
        if (!text.StartsWith('s') || text[1..].Split('_') is not [var recentUpToText, var snapshotText]
            || !long.TryParse(recentUpToText, NumberStyles.None, CultureInfo.InvariantCulture, out var upTo)
            || !long.TryParse(snapshotText, NumberStyles.None, CultureInfo.InvariantCulture, out var snapshot)
            || upTo > snapshot)
            throw invalid;
        return new SearchBatchToken(upTo, 0, snapshot);
    }
}
