namespace Homeserver.Federation.Authorization;

/// <summary>
/// The spec's glob-style matching (appendices) as server ACLs use it: <c>*</c> matches zero or more
/// characters, <c>?</c> exactly one, everything else itself, ASCII case ignored. Linear backtracking
/// over the last <c>*</c>, so a hostile pattern costs at most pattern length times text length steps.
/// </summary>
public static class ServerAclGlob
{
    public static bool IsMatch(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        int p = 0, t = 0, star = -1, starText = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                starText = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || SameIgnoringAsciiCase(pattern[p], text[t])))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                // Let the last '*' swallow one more character and retry the rest of the pattern.
                p = star + 1;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static bool SameIgnoringAsciiCase(char a, char b) => a == b || (char.IsAsciiLetter(a) && (a | 0x20) == (b | 0x20));
}
