using System.Globalization;
using Homeserver.Federation.Http;

namespace Homeserver.Sync;

/// <summary>
/// A place between room events for <c>/messages</c>: <c>t{N}</c> lies after the event at stream
/// position N and before N+1. A sync token (a timeline's <c>prev_batch</c> or a <c>next_batch</c>)
/// is accepted too and means its room event position. Backfilled history lies at negative positions,
/// before everything held when it was fetched: <c>b{N}</c> is the place after position -N.
/// </summary>
public static class PaginationToken
{
    private const string Prefix = "t";

    /// <summary>Before every event, backfilled ones included: the lower end of a room's history.</summary>
    public const long Earliest = -long.MaxValue;

    private const string BackfilledPrefix = "b";

    public static string Format(long position) => position >= 0
        ? Prefix + position.ToString(CultureInfo.InvariantCulture)
        : BackfilledPrefix + (-position).ToString(CultureInfo.InvariantCulture);

    public static long Parse(string text, string parameter)
    {
        if (text.StartsWith(Prefix, StringComparison.Ordinal) && SyncToken.TryParsePosition(text[Prefix.Length..], out var position))
            return position;
        if (text.StartsWith(BackfilledPrefix, StringComparison.Ordinal) && SyncToken.TryParsePosition(text[BackfilledPrefix.Length..], out var before)
            && before > 0)
            return -before;
        if (SyncToken.TryParse(text, out var token))
            return token.Room;
        throw MatrixException.InvalidParam($"'{parameter}' is not a valid pagination token.");
    }
}
