namespace Homeserver.LoadTest;

/// <summary>One closed-loop workload's outcome: completed operations per second, their latencies, failures and CPU use.</summary>
public sealed record LoadResult(
    string Workload, int Clients, long Completed, long Failed, TimeSpan Elapsed, LatencySummary Latency,
    double ServerCpuPercent, double DatabaseCpuPercent, double MachineCpuPercent, string? FirstError)
{
    public double PerSecond => Completed / Elapsed.TotalSeconds;
}
