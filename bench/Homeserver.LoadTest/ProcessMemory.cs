namespace Homeserver.LoadTest;

/// <summary>A process's resident set size (current and peak) from /proc, in MiB.</summary>
public static class ProcessMemory
{
    public static (double ResidentMiB, double PeakMiB) Read(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
            return (double.NaN, double.NaN);
        double Field(string name) =>
            File.ReadLines(status).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
                ? double.Parse(line[name.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024
                : double.NaN;
        return (Field("VmRSS:"), Field("VmHWM:"));
    }
}
