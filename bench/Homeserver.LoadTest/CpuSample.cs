using System.Globalization;

namespace Homeserver.LoadTest;

/// <summary>
/// CPU time read from /proc at one instant: the homeserver process's user+system time and the whole
/// machine's busy and total time. The difference of two samples says how busy the server and the
/// machine were over a workload (the machine figure includes the other work sharing it).
/// </summary>
public sealed record CpuSample(double ServerSeconds, double MachineBusySeconds, double MachineTotalSeconds)
{
    // Linux reports both files in clock ticks, USER_HZ, which is 100 on every mainstream build.
    private const double TicksPerSecond = 100;

    public static CpuSample Take(int? serverPid)
    {
        double server = 0;
        if (serverPid is { } pid && File.Exists($"/proc/{pid}/stat"))
        {
            // Fields after the command name "(...)": utime and stime are the 14th and 15th of the line.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            server = (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        double busy = 0, total = 0;
        if (File.Exists("/proc/stat"))
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal (guest time is already counted in user).
            total = cpu.Take(8).Sum() / TicksPerSecond;
            busy = total - (cpu[3] + cpu[4]) / TicksPerSecond;
        }
        return new CpuSample(server, busy, total);
    }

    /// <summary>Server CPU as a percentage of one core over the wall time between the samples.</summary>
    public static double ServerPercent(CpuSample before, CpuSample after, TimeSpan wall) =>
        wall <= TimeSpan.Zero ? double.NaN : 100 * (after.ServerSeconds - before.ServerSeconds) / wall.TotalSeconds;

    /// <summary>Machine busy time as a percentage of all its cores.</summary>
    public static double MachinePercent(CpuSample before, CpuSample after)
    {
        var total = after.MachineTotalSeconds - before.MachineTotalSeconds;
        return total <= 0 ? double.NaN : 100 * (after.MachineBusySeconds - before.MachineBusySeconds) / total;
    }
}
