using System.Text;

namespace Homeserver.Push;

/// <summary>
/// A glob of the spec's appendix (<c>*</c> any run of characters, <c>?</c> exactly one), matched
/// case-insensitively by code point. The pattern is split at its stars into segments; the first segment
/// is anchored at the start, the last at the end, and the middle ones are each found leftmost after the
/// previous one. Leftmost is always the best choice for a segment (it leaves the most room for the rest),
/// so nothing is ever retried: a match costs at most O(text × pattern) comparisons, with no backtracking.
/// </summary>
public sealed class GlobPattern
{
    /// <summary>Stands for <c>?</c> in a segment.</summary>
    private const int AnyOne = -1;

    private readonly int[][] _segments;

    public GlobPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _segments = [.. pattern.Split('*').Select(s => Runes(s, wildcards: true))];
    }

    private bool HasStar => _segments.Length > 1;

    /// <summary>Whether the pattern matches the whole value.</summary>
    public bool MatchesWhole(string value) => MatchesWhole(TextRunes(value));

    /// <summary>As <see cref="MatchesWhole(string)"/>, for a value already turned into <see cref="TextRunes"/>.</summary>
    internal bool MatchesWhole(int[] text)
    {
        var first = _segments[0];
        if (!HasStar)
            return text.Length == first.Length && MatchesAt(first, text, 0);
        var last = _segments[^1];
        if (text.Length < first.Length + last.Length || !MatchesAt(first, text, 0) || !MatchesAt(last, text, text.Length - last.Length))
            return false;
        return MiddleEnd(text, first.Length, text.Length - last.Length) >= 0;
    }

    /// <summary>
    /// Whether the pattern matches some part of the value that starts and ends at a word boundary: the
    /// value's start or end, or a character other than <c>[A-Za-z0-9_]</c> (the <c>content.body</c> rule).
    /// </summary>
    public bool MatchesWords(string value) => MatchesWords(TextRunes(value));

    /// <summary>As <see cref="MatchesWords(string)"/>, for a value already turned into <see cref="TextRunes"/>.</summary>
    internal bool MatchesWords(int[] text)
    {
        var first = _segments[0];
        if (!HasStar)
        {
            for (var start = 0; start + first.Length <= text.Length; start++)
                if (IsStart(text, start) && MatchesAt(first, text, start) && IsEnd(text, start + first.Length))
                    return true;
            return false;
        }
        // The earliest start leaves the most room for the rest, so it is the only one worth trying.
        var begin = -1;
        for (var start = 0; start + first.Length <= text.Length; start++)
            if (IsStart(text, start) && MatchesAt(first, text, start))
            {
                begin = start;
                break;
            }
        if (begin < 0) return false;
        var last = _segments[^1];
        var position = MiddleEnd(text, begin + first.Length, text.Length);
        if (position < 0) return false;
        for (var end = position + last.Length; end <= text.Length; end++)
            if (IsEnd(text, end) && MatchesAt(last, text, end - last.Length))
                return true;
        return false;
    }

    /// <summary>Finds the middle segments leftmost within [from, limit); returns where the last one ended, or -1.</summary>
    private int MiddleEnd(int[] text, int from, int limit)
    {
        var position = from;
        for (var i = 1; i < _segments.Length - 1; i++)
        {
            var segment = _segments[i];
            var found = -1;
            for (var at = position; at + segment.Length <= limit; at++)
                if (MatchesAt(segment, text, at))
                {
                    found = at;
                    break;
                }
            if (found < 0) return -1;
            position = found + segment.Length;
        }
        return position;
    }

    private static bool MatchesAt(int[] segment, int[] text, int at)
    {
        for (var i = 0; i < segment.Length; i++)
            if (segment[i] != AnyOne && segment[i] != text[at + i])
                return false;
        return true;
    }

    /// <summary>A match may start here: at the value's start, after a non-word character, or on one.</summary>
    private static bool IsStart(int[] text, int at) => at == 0 || !IsWord(text[at - 1]) || (at < text.Length && !IsWord(text[at]));

    /// <summary>A match may end here: at the value's end, before a non-word character, or after one.</summary>
    private static bool IsEnd(int[] text, int at) => at == text.Length || !IsWord(text[at]) || (at > 0 && !IsWord(text[at - 1]));

    private static bool IsWord(int rune) => rune is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_';

    /// <summary>A value as the lower-cased code points matching compares.</summary>
    internal static int[] TextRunes(string value) => Runes(value, wildcards: false);

    private static int[] Runes(string value, bool wildcards)
    {
        var result = new List<int>(value.Length);
        foreach (var rune in value.EnumerateRunes())
            result.Add(wildcards && rune.Value == '?' ? AnyOne : Rune.ToLowerInvariant(rune).Value);
        return [.. result];
    }
}
