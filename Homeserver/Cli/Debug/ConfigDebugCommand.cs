using Homeserver.Configuration;

namespace Homeserver.Cli.Debug;

/// <summary>
/// <c>debug config [--config PATH] [--data-dir D]</c>: prints the effective configuration (file, environment
/// overrides, defaults and resolved paths) as YAML, with secrets redacted.
/// </summary>
public sealed class ConfigDebugCommand : IDebugCommand
{
    public string Name => "config";
    public string Summary => "[--config PATH] [--data-dir D]  print the effective configuration, secrets redacted";

    public Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var options = CommandLine.Parse(args);
        if (options.Kind != CommandKind.Run || options.HostArgs.Count > 0)
        {
            stderr.WriteLine($"error: {options.Error ?? "unexpected arguments"}");
            stderr.WriteLine($"Usage: Homeserver debug {Name} {Summary}");
            return Task.FromResult(2);
        }
        var environment = Environment.GetEnvironmentVariables();
        var location = ConfigLocation.Resolve(options, environment);
        try
        {
            var loaded = ConfigLoader.Load(location.Path, environment);
            stdout.WriteLine($"# {loaded.Path}");
            foreach (var warning in loaded.Warnings) stdout.WriteLine($"# warning: {warning}");
            stdout.Write(ConfigYamlWriter.Write(loaded.Config));
            return Task.FromResult(0);
        }
        catch (ConfigException e)
        {
            foreach (var error in e.Errors) stderr.WriteLine($"config error: {error}");
            return Task.FromResult(1);
        }
    }
}
