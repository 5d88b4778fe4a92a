using System.Globalization;

namespace Homeserver.LoadTest;

/// <summary>
/// CPU time read from /proc at one instant: the homeserver process's user+system time, that of the
/// PostgreSQL backends serving its database (found by the database name in their process title;
/// the server's pooled connections mostly live through a workload), and the whole machine's busy and
/// total time. The difference of two samples says how busy each was over a workload (the machine
/// figure includes the other work sharing it).
/// </summary>
public sealed record CpuSample(
    double ServerSeconds, IReadOnlyDictionary<int, double> DatabaseBackendSeconds, double MachineBusySeconds, double MachineTotalSeconds)
{
    // Linux reports both files in clock ticks, USER_HZ, which is 100 on every mainstream build.
    private const double TicksPerSecond = 100;

    /// <summary>The PostgreSQL database whose backends are counted (null: none).</summary>
    public static string? DatabaseName { get; set; }

    public static CpuSample Take(int? serverPid)
    {
        var server = serverPid is { } pid ? ProcessSeconds(pid) : 0;
        var database = new Dictionary<int, double>();
        if (DatabaseName is { } name && Directory.Exists("/proc"))
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
                if (int.TryParse(Path.GetFileName(directory), out var processId) && IsBackendOf(processId, name))
                    database[processId] = ProcessSeconds(processId);
        double busy = 0, total = 0;
        if (File.Exists("/proc/stat"))
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal (guest time is already counted in user).
            total = cpu.Take(8).Sum() / TicksPerSecond;
            busy = total - (cpu[3] + cpu[4]) / TicksPerSecond;
        }
        return new CpuSample(server, database, busy, total);
    }

    /// <summary>User+system seconds of a process: the 14th and 15th fields of its stat line (0 once it has exited).</summary>
    private static double ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>A PostgreSQL backend sets its title to "postgres: [CLUSTER: ]USER DATABASE HOST(PORT) STATE".</summary>
    private static bool IsBackendOf(int pid, string database)
    {
        try
        {
            var title = File.ReadAllText($"/proc/{pid}/cmdline");
            return title.StartsWith("postgres: ", StringComparison.Ordinal) && title.Split(' ', '\0').Contains(database);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Server CPU as a percentage of one core over the wall time between the samples.</summary>
    public static double ServerPercent(CpuSample before, CpuSample after, TimeSpan wall) =>
        wall <= TimeSpan.Zero ? double.NaN : 100 * (after.ServerSeconds - before.ServerSeconds) / wall.TotalSeconds;

    /// <summary>Database backends' CPU as a percentage of one core.</summary>
    public static double DatabasePercent(CpuSample before, CpuSample after, TimeSpan wall) =>
        DatabaseName is null || wall <= TimeSpan.Zero
            ? double.NaN
            // Per backend, so one that exited in between (the pool closing an idle connection) takes nothing away;
            // the time of such a backend after the first sample is missed.
            : 100 * after.DatabaseBackendSeconds.Sum(b => b.Value - before.DatabaseBackendSeconds.GetValueOrDefault(b.Key)) / wall.TotalSeconds;

    /// <summary>Machine busy time as a percentage of all its cores.</summary>
    public static double MachinePercent(CpuSample before, CpuSample after)
    {
        var total = after.MachineTotalSeconds - before.MachineTotalSeconds;
        return total <= 0 ? double.NaN : 100 * (after.MachineBusySeconds - before.MachineBusySeconds) / total;
    }
}
