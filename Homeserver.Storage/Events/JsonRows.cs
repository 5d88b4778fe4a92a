using System.Text.Json;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Events;

/// <summary>
/// Bulk parameters of the event store: a list travels as ONE JSON array parameter and is unpacked
/// into rows by the database (SQLite <c>json_each</c>, PostgreSQL <c>jsonb_array_elements</c>), so
/// a batch costs one statement, not one per row, and no query hits a parameter-count limit.
/// These table expressions are the only SQL of the store that differs between the backends.
/// </summary>
internal sealed class JsonRows
{
    private readonly string _texts;
    private readonly string _textPairs;
    private readonly string _textTriples;
    private readonly string _numberPairs;
    private readonly string _inTexts;
    private readonly string _inFirstNumbers;
    private readonly string _pairsIndexFilter;

    private JsonRows(string texts, string textPairs, string textTriples, string numberPairs, string inTexts, string inFirstNumbers,
        string pairsIndexFilter)
    {
        _texts = texts;
        _textPairs = textPairs;
        _textTriples = textTriples;
        _numberPairs = numberPairs;
        _inTexts = inTexts;
        _inFirstNumbers = inFirstNumbers;
        _pairsIndexFilter = pairsIndexFilter;
    }

    /// <summary>SQLite's planner probes the indexes for IN (json_each) and for joins with json_each by itself.</summary>
    public static readonly JsonRows Sqlite = new(
        "SELECT value AS v FROM json_each(@{0})",
        "SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b FROM json_each(@{0})",
        "SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b, json_extract(value, '$[2]') AS c FROM json_each(@{0})",
        "SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b FROM json_each(@{0})",
        "{c} IN (SELECT value FROM json_each(@{0}))",
        "{c} IN (SELECT json_extract(value, '$[0]') FROM json_each(@{0}))",
        "true");

    /// <summary>
    /// PostgreSQL estimates 100 rows for a JSON set function and then prefers a hash join over a
    /// full table scan; <c>= ANY(ARRAY(...))</c> gives it an index condition instead.
    /// </summary>
    public static readonly JsonRows Postgres = new(
        "SELECT value AS v FROM jsonb_array_elements_text(CAST(@{0} AS jsonb))",
        "SELECT value->>0 AS a, value->>1 AS b FROM jsonb_array_elements(CAST(@{0} AS jsonb))",
        "SELECT value->>0 AS a, value->>1 AS b, value->>2 AS c FROM jsonb_array_elements(CAST(@{0} AS jsonb))",
        "SELECT CAST(value->>0 AS BIGINT) AS a, CAST(value->>1 AS BIGINT) AS b FROM jsonb_array_elements(CAST(@{0} AS jsonb))",
        "{c} = ANY(ARRAY(SELECT value FROM jsonb_array_elements_text(CAST(@{0} AS jsonb))))",
        "{c} = ANY(ARRAY(SELECT CAST(value->>0 AS BIGINT) FROM jsonb_array_elements(CAST(@{0} AS jsonb))))",
        "{c} = ANY(ARRAY(SELECT value->>0 FROM jsonb_array_elements(CAST(@{0} AS jsonb)))) AND {d} = ANY(ARRAY(SELECT value->>1 FROM jsonb_array_elements(CAST(@{0} AS jsonb))))");

    public static JsonRows For(SqlDialect dialect) => dialect.Backend == DatabaseBackend.Postgres ? Postgres : Sqlite;

    /// <summary>Rows with one text column <c>v</c> from the JSON array of strings in parameter <paramref name="parameter"/>.</summary>
    public string Texts(string parameter) => _texts.Replace("{0}", parameter, StringComparison.Ordinal);

    /// <summary>Rows with text columns <c>a</c>, <c>b</c> from a JSON array of two-string arrays.</summary>
    public string TextPairs(string parameter) => _textPairs.Replace("{0}", parameter, StringComparison.Ordinal);

    /// <summary>Rows with text columns <c>a</c>, <c>b</c>, <c>c</c> from a JSON array of three-string arrays.</summary>
    public string TextTriples(string parameter) => _textTriples.Replace("{0}", parameter, StringComparison.Ordinal);

    /// <summary>Rows with integer columns <c>a</c>, <c>b</c> (b may be null) from a JSON array of two-number arrays.</summary>
    public string NumberPairs(string parameter) => _numberPairs.Replace("{0}", parameter, StringComparison.Ordinal);

    /// <summary>A condition: <paramref name="column"/> is one of the strings of the JSON array parameter.</summary>
    public string In(string column, string parameter) =>
        _inTexts.Replace("{c}", column, StringComparison.Ordinal).Replace("{0}", parameter, StringComparison.Ordinal);

    /// <summary>A condition: <paramref name="column"/> is the first number of one of the pairs of the JSON parameter.</summary>
    public string InFirstNumbers(string column, string parameter) =>
        _inFirstNumbers.Replace("{c}", column, StringComparison.Ordinal).Replace("{0}", parameter, StringComparison.Ordinal);

    /// <summary>
    /// A condition that lets an index on (<paramref name="first"/>, <paramref name="second"/>) serve a
    /// join with the text pairs of the parameter (the join itself still matches the exact pairs).
    /// </summary>
    public string PairsIndexFilter(string first, string second, string parameter) => _pairsIndexFilter
        .Replace("{c}", first, StringComparison.Ordinal).Replace("{d}", second, StringComparison.Ordinal).Replace("{0}", parameter, StringComparison.Ordinal);

    public static string Encode(IEnumerable<string> values) => JsonSerializer.Serialize(values);

    public static string Encode(IEnumerable<(string A, string B)> pairs) =>
        JsonSerializer.Serialize(pairs.Select(p => new[] { p.A, p.B }));

    public static string Encode(IEnumerable<(string A, string B, string C)> triples) =>
        JsonSerializer.Serialize(triples.Select(t => new[] { t.A, t.B, t.C }));

    public static string Encode(IEnumerable<(long A, long? B)> pairs) =>
        JsonSerializer.Serialize(pairs.Select(p => new[] { p.A, p.B }));
}
