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
    private readonly string _numberPairs;

    private JsonRows(string texts, string textPairs, string numberPairs)
    {
        _texts = texts;
        _textPairs = textPairs;
        _numberPairs = numberPairs;
    }

    public static readonly JsonRows Sqlite = new(
        "SELECT value AS v FROM json_each(@{0})",
        "SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b FROM json_each(@{0})",
        "SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b FROM json_each(@{0})");

    public static readonly JsonRows Postgres = new(
        "SELECT value AS v FROM jsonb_array_elements_text(CAST(@{0} AS jsonb))",
        "SELECT value->>0 AS a, value->>1 AS b FROM jsonb_array_elements(CAST(@{0} AS jsonb))",
        "SELECT CAST(value->>0 AS BIGINT) AS a, CAST(value->>1 AS BIGINT) AS b FROM jsonb_array_elements(CAST(@{0} AS jsonb))");

    public static JsonRows For(SqlDialect dialect) => dialect.Backend == DatabaseBackend.Postgres ? Postgres : Sqlite;

    /// <summary>Rows with one text column <c>v</c> from the JSON array of strings in parameter <paramref name="parameter"/>.</summary>
    public string Texts(string parameter) => _texts.Replace("{0}", parameter, StringComparison.Ordinal);

    /// <summary>Rows with text columns <c>a</c>, <c>b</c> from a JSON array of two-string arrays.</summary>
    public string TextPairs(string parameter) => _textPairs.Replace("{0}", parameter, StringComparison.Ordinal);

    /// <summary>Rows with integer columns <c>a</c>, <c>b</c> (b may be null) from a JSON array of two-number arrays.</summary>
    public string NumberPairs(string parameter) => _numberPairs.Replace("{0}", parameter, StringComparison.Ordinal);

    public static string Encode(IEnumerable<string> values) => JsonSerializer.Serialize(values);

    public static string Encode(IEnumerable<(string A, string B)> pairs) =>
        JsonSerializer.Serialize(pairs.Select(p => new[] { p.A, p.B }));

    public static string Encode(IEnumerable<(long A, long? B)> pairs) =>
        JsonSerializer.Serialize(pairs.Select(p => new[] { p.A, p.B }));
}
