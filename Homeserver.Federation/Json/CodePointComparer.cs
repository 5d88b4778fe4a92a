namespace Homeserver.Federation.Json;

/// <summary>
/// Orders strings by Unicode code point, which is the order canonical JSON requires for keys
/// (and equals the byte order of their UTF-8 forms). Plain ordinal comparison of .NET strings
/// compares UTF-16 code units and puts characters above U+FFFF (surrogate pairs, D800–DFFF)
/// before U+E000–U+FFFF, which is wrong here.
/// </summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static readonly CodePointComparer Instance = new();

    private CodePointComparer() { }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var length = Math.Min(x.Length, y.Length);
        var common = x.AsSpan(0, length).CommonPrefixLength(y.AsSpan(0, length));
        if (common == length) return x.Length - y.Length;
        return CodePointOrder(x[common]) - CodePointOrder(y[common]);
    }

    /// <summary>
    /// Maps a UTF-16 code unit to a value whose order matches code point order at the first
    /// differing unit: surrogates move above U+E000–U+FFFF.
    /// </summary>
    private static int CodePointOrder(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };
}
