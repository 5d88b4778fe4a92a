namespace Homeserver.LoadTest;

/// <summary>
/// The median of repeated runs of one workload: each figure (rate, p50, p99, CPU) is the median of
/// that figure over the runs, so one disturbed run does not move the result.
/// </summary>
public static class Medians
{
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static LoadResult Of(IReadOnlyList<LoadResult> runs)
    {
        if (runs.Count == 1)
            return runs[0];
        var rate = Of(runs.Select(r => r.PerSecond));
        var elapsed = TimeSpan.FromSeconds(runs.Average(r => r.Elapsed.TotalSeconds));
        return runs[0] with
        {
            // Completed is scaled so that PerSecond (Completed / Elapsed) is the median rate.
            Completed = (long)Math.Round(rate * elapsed.TotalSeconds),
            Elapsed = elapsed,
            Failed = runs.Sum(r => r.Failed),
            Latency = Of(runs.Select(r => r.Latency).ToList()),
            ServerCpuPercent = Of(runs.Select(r => r.ServerCpuPercent)),
            DatabaseCpuPercent = Of(runs.Select(r => r.DatabaseCpuPercent)),
            MachineCpuPercent = Of(runs.Select(r => r.MachineCpuPercent)),
            FirstError = runs.Select(r => r.FirstError).FirstOrDefault(e => e is not null),
        };
    }

    public static LatencySummary Of(IReadOnlyList<LatencySummary> runs) =>
        runs.Count == 1
            ? runs[0]
            : new LatencySummary(runs.Sum(r => r.Count), Of(runs.Select(r => r.P50)), Of(runs.Select(r => r.P99)), runs.Max(r => r.Max));

    public static WakeupResult Of(IReadOnlyList<WakeupResult> runs) =>
        runs.Count == 1
            ? runs[0]
            : new WakeupResult(runs[0].Condition, Of(runs.Select(r => r.FromSendStart).ToList()), Of(runs.Select(r => r.FromSendResponse).ToList()),
                runs.Sum(r => r.ExtraSyncResponses), runs.All(r => r.Load is not null) ? Of(runs.Select(r => r.Load!).ToList()) : null);
}
