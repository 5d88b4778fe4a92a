using System.Globalization;

namespace Homeserver.LoadTest;

/// <summary>The machine line of a benchmark report: cores, CPU model, memory, OS and .NET.</summary>
public static class MachineDescription
{
    public static string Line() =>
        $"{Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGiB()} GiB memory, {Environment.OSVersion}, .NET {Environment.Version}";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    private static string MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kib is null ? "?" : (double.Parse(kib, CultureInfo.InvariantCulture) / 1024 / 1024).ToString("F1", CultureInfo.InvariantCulture);
    }
}
