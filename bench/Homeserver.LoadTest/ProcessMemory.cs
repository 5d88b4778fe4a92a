namespace Homeserver.LoadTest;

/// <summary>A process's resident set size (current and peak) and open sockets, from /proc.</summary>
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

    /// <summary>The process's open sockets (accepted connections included); -1 when /proc cannot tell.</summary>
    public static int Sockets(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(IsSocket);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>A descriptor closed while the others are counted is simply not a socket any more.</summary>
    private static bool IsSocket(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
