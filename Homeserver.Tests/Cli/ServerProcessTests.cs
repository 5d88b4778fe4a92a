using System.Diagnostics;
using System.Globalization;

namespace Homeserver.Tests.Cli;

/// <summary>Runs the built homeserver binary as its own process, as a user would.</summary>
public sealed class ServerProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Homeserver.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    [Fact]
    public async Task The_server_starts_on_a_fresh_data_folder_and_answers_http()
    {
        var port = FreePort.Next();
        using var process = Start(new Dictionary<string, string> { ["HOMESERVER__LISTENERS__0__PORT"] = port.ToString(CultureInfo.InvariantCulture) },
            "--data-dir", _folder["data"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Generous bounds: a cold start (JIT, migrations) on a loaded CI machine can take seconds.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            HttpResponseMessage? response = null;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (response is null && DateTime.UtcNow < deadline && !process.HasExited)
            {
                try { response = await http.GetAsync($"http://127.0.0.1:{port}/"); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { await Task.Delay(200); }
            }
            response.Should().NotBeNull("the server should answer HTTP; stderr: {0}", process.HasExited ? await stderr : "");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        (await stdout).Should().Contain($"Listening on: http://127.0.0.1:{port} (client, federation)");
        File.Exists(_folder["data/homeserver.yaml"]).Should().BeTrue();
        File.Exists(_folder["data/signing.key"]).Should().BeTrue();
    }

    [Fact]
    public async Task A_bad_config_exits_non_zero_with_a_message_and_no_stack_trace()
    {
        File.WriteAllText(_folder["bad.yaml"], "listeners: [{port: 0}]\n");
        using var process = Start(new Dictionary<string, string>(), "--config", _folder["bad.yaml"]);
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().NotBe(0);
        stderr.Should().Be($"config error: listeners[0].port: must be 1..65535{Environment.NewLine}");
    }
}
