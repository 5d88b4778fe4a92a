using System.Text.RegularExpressions;
using Homeserver.Storage.Search;

namespace Homeserver.Search;

/// <summary>
/// Splits a client's search term into the words the index matches: runs of letters and digits,
/// lower-cased, without repeats. Everything else (punctuation, operators, quotes) only separates words,
/// so no input can change the query's meaning on either backend.
/// </summary>
public static partial class SearchTerms
{
    public static IReadOnlyList<string> Split(string searchTerm) =>
        [.. Words().Matches(searchTerm).Select(m => m.Value.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Take(EventSearchStore.MaxTerms)];

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}
