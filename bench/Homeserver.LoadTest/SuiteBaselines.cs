using System.Globalization;

namespace Homeserver.LoadTest;

/// <summary>
/// The machine's own limits measured once per suite run (the "Baselines" section of BENCHMARKS.md),
/// saved as <c>key=value</c> lines so every workload's ratios refer to the same figures. Shell
/// scripts read the same file (<c>grep '^ed25519_verify_per_s=' FILE</c>).
/// </summary>
public sealed record SuiteBaselines(
    double VersionsPerSecond, double VersionsP50Ms, double VersionsP99Ms, int VersionsConnections,
    double InsertsPerSecond1, double InsertsPerSecond8, double BatchRowsPerSecond, string InsertTool,
    double Ed25519SignsPerSecond, double Ed25519VerifiesPerSecond)
{
    public void Save(string path) => File.WriteAllLines(path,
    [
        $"versions_per_s={F(VersionsPerSecond)}",
        $"versions_p50_ms={F(VersionsP50Ms)}",
        $"versions_p99_ms={F(VersionsP99Ms)}",
        $"versions_connections={VersionsConnections}",
        $"insert_1_per_s={F(InsertsPerSecond1)}",
        $"insert_8_per_s={F(InsertsPerSecond8)}",
        $"insert_batch100_rows_per_s={F(BatchRowsPerSecond)}",
        $"insert_tool={InsertTool}",
        $"ed25519_sign_per_s={F(Ed25519SignsPerSecond)}",
        $"ed25519_verify_per_s={F(Ed25519VerifiesPerSecond)}",
    ]);

    public static SuiteBaselines Load(string path)
    {
        var values = File.ReadAllLines(path)
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        string Text(string key) => values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"{path} has no '{key}'.");
        double Number(string key) => double.TryParse(Text(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? n : throw new ArgumentException($"{path}: '{key}' is not a number.");
        return new SuiteBaselines(
            Number("versions_per_s"), Number("versions_p50_ms"), Number("versions_p99_ms"), (int)Number("versions_connections"),
            Number("insert_1_per_s"), Number("insert_8_per_s"), Number("insert_batch100_rows_per_s"), Text("insert_tool"),
            Number("ed25519_sign_per_s"), Number("ed25519_verify_per_s"));
    }

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
