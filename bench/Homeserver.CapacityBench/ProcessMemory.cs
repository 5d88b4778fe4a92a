using System.Globalization;

namespace Homeserver.CapacityBench;

/// <summary>
/// A process's resident memory from /proc/&lt;pid&gt;/status: <c>VmRSS</c> now and <c>VmHWM</c>, the
/// peak since the process started or since <see cref="ResetPeak"/>.
/// </summary>
public static class ProcessMemory
{
    public static long ResidentBytes(int pid) => Read(pid, "VmRSS:");

    public static long PeakResidentBytes(int pid) => Read(pid, "VmHWM:");

    /// <summary>
    /// Resets the peak to the current resident size (writing 5 to /proc/&lt;pid&gt;/clear_refs, Linux 4.0+);
    /// false when the kernel refuses, in which case the peak is the peak since start.
    /// </summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Read(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }
}
