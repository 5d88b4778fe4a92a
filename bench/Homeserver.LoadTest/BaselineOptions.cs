using System.Globalization;

namespace Homeserver.LoadTest;

/// <summary>Command-line options of the suite's baselines (<c>--measure-baselines</c>, passed by <c>bench/run</c>).</summary>
public sealed record BaselineOptions(
    Uri ServerUrl, string PostgresConnectionString, string Output, string ValuesPath, TimeSpan Duration, int Runs, int? ServerPid, string CommandLine)
{
    public static BaselineOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                throw new ArgumentException($"Expected '--name value' pairs, got '{args[i]}'.");
            values[args[i][2..]] = args[++i];
        }
        string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.");
        int PositiveInt(string name, int fallback) =>
            !values.TryGetValue(name, out var text) ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new ArgumentException($"--{name} must be a positive integer, got '{text}'.");
        return new BaselineOptions(
            new Uri(Required("url")), Required("postgres"), Required("output"), Required("values"),
            TimeSpan.FromSeconds(PositiveInt("duration", 5)), PositiveInt("runs", 3),
            values.ContainsKey("server-pid") ? PositiveInt("server-pid", 0) : null,
            values.GetValueOrDefault("command", "bench/run"));
    }
}
