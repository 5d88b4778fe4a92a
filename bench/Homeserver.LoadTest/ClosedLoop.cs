using System.Collections.Concurrent;
using System.Diagnostics;

namespace Homeserver.LoadTest;

/// <summary>
/// Runs <c>clients</c> concurrent loops, each doing one operation after another until the duration
/// is over or <c>cancellationToken</c> fires, and records every completed operation's latency. An
/// operation in flight at the end is finished, not aborted (an aborted request would still be
/// committed by the server but not counted), and the elapsed time runs until the last one is done. A failed operation is counted (first error kept) and
/// its client pauses briefly so a broken server is not hammered; too many failures end the run.
/// </summary>
public static class ClosedLoop
{
    private const int MaxFailures = 1000;

    /// <param name="operation">Called with (client index, sequence number of that client's operation).</param>
    /// <param name="cancellationToken">Ends the run early (no new operations start).</param>
    public static async Task<LoadResult> RunAsync(
        string workload, int clients, TimeSpan duration, int? serverPid, Func<int, long, Task> operation,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var latencies = new List<double>[clients];
        long failed = 0;
        var errors = new ConcurrentQueue<string>();
        var cpuBefore = CpuSample.Take(serverPid);
        var started = Stopwatch.GetTimestamp();
        stop.CancelAfter(duration);

        async Task ClientAsync(int client)
        {
            var mine = latencies[client] = new List<double>(4096);
            for (long sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    await operation(client, sequence);
                    mine.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e.Message);
                    if (Interlocked.Increment(ref failed) >= MaxFailures)
                        await stop.CancelAsync();
                    await Task.Delay(10, CancellationToken.None);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c), CancellationToken.None)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuAfter = CpuSample.Take(serverPid);
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(workload, clients, all.Count, failed, elapsed, LatencySummary.Of(all),
            CpuSample.ServerPercent(cpuBefore, cpuAfter, elapsed), CpuSample.DatabasePercent(cpuBefore, cpuAfter, elapsed),
            CpuSample.MachinePercent(cpuBefore, cpuAfter),
            errors.TryPeek(out var first) ? first : null);
    }
}
