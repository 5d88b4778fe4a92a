namespace Homeserver.LoadTest;

/// <summary>The machine's 1, 5 and 15 minute load averages, a rough measure of the other work sharing it.</summary>
public static class LoadAverage
{
    public static string Read() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
