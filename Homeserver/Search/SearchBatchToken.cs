using System.Globalization;
using Homeserver.Federation.Http;

namespace Homeserver.Search;

/// <summary>
/// A <c>next_batch</c> of <c>/search</c>. By rank, <c>r{offset}_{upTo}</c>: the matches at or below stream
/// position upTo (fixed by the first page, so new events do not shift the pages), skipping the first
/// offset. By recency, <c>s{upTo}</c>: the matches at or below position upTo.
/// </summary>
public sealed record SearchBatchToken(long UpTo, int Offset)
{
    public string Format(bool orderByRank) => orderByRank
        ? string.Create(CultureInfo.InvariantCulture, $"r{Offset}_{UpTo}")
        : string.Create(CultureInfo.InvariantCulture, $"s{UpTo}");

    public static SearchBatchToken Parse(string text, bool orderByRank)
    {
        var invalid = MatrixException.InvalidParam("'next_batch' is not a token from this search.");
        if (orderByRank)
        {
            if (!text.StartsWith('r') || text[1..].Split('_') is not [var offsetText, var upToText]
                || !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                || !long.TryParse(upToText, NumberStyles.None, CultureInfo.InvariantCulture, out var rankUpTo))
                throw invalid;
            return new SearchBatchToken(rankUpTo, offset);
        }
        if (!text.StartsWith('s') || !long.TryParse(text[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var upTo))
            throw invalid;
        return new SearchBatchToken(upTo, 0);
    }
}
