using System.Diagnostics;

namespace Homeserver.CapacityBench;

/// <summary>
/// A server under test as its own process (<c>dotnet some.dll args</c>): started, timed to its first
/// answered <c>GET /_matrix/client/versions</c>, and stopped with SIGTERM (SIGKILL after 15 s).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _drainOutput;
    private readonly Task _drainErrors;

    /// <summary>From the process start to the first 200 answer to <c>GET /_matrix/client/versions</c>.</summary>
    public TimeSpan StartupTime { get; }

    public Uri BaseUrl { get; }

    public int Pid => _process.Id;

    private ServerProcess(Process process, Uri baseUrl, TimeSpan startupTime, Task drainOutput, Task drainErrors)
    {
        _process = process;
        BaseUrl = baseUrl;
        StartupTime = startupTime;
        _drainOutput = drainOutput;
        _drainErrors = drainErrors;
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c> and polls every 2 ms until it answers.</summary>
    public static async Task<ServerProcess> StartAsync(string dll, IReadOnlyList<string> arguments, Uri baseUrl, string logFile,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var drainOutput = CopyAsync(process.StandardOutput, log);
        var drainErrors = CopyAsync(process.StandardError, log);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode} before answering; see {logFile}");
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(3))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{Path.GetFileName(dll)} did not answer within 3 minutes; see {logFile}");
            }
            try
            {
                using var response = await http.GetAsync("/_matrix/client/versions", cancellationToken);
                if (response.IsSuccessStatusCode)
                    return new ServerProcess(process, baseUrl, Stopwatch.GetElapsedTime(started), drainOutput, drainErrors);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but not answering within the client's timeout: still starting (or stuck, which the overall limit catches).
            }
            await Task.Delay(2, cancellationToken);
        }
    }

    private static async Task CopyAsync(StreamReader from, StreamWriter to)
    {
        while (await from.ReadLineAsync() is { } line)
            lock (to) to.WriteLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        await Task.WhenAll(_drainOutput, _drainErrors);
        _process.Dispose();
    }
}
