using System.Collections;
using Homeserver.Cli.Debug;

namespace Homeserver.Cli;

/// <summary>Runs the commands other than <c>run</c>, returning the process exit code.</summary>
public static class CliCommands
{
    public static Task<int> RunAsync(CommandLine command, IDictionary environment, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        switch (command.Kind)
        {
            case CommandKind.Help:
                stdout.WriteLine(Usage.Text);
                return Task.FromResult(0);
            case CommandKind.GenerateConfig:
                return Task.FromResult(GenerateConfigCommand.Run(command, environment, stdout, stderr));
            case CommandKind.GenerateKeys:
                return Task.FromResult(GenerateKeysCommand.Run(command, environment, stdout, stderr));
            case CommandKind.Debug:
                return DebugCommands.Run(command.CommandArgs, stdin, stdout, stderr);
            case CommandKind.RegisterUser:
                return RegisterUserCommand.RunAsync(command.CommandArgs, environment, stdin, stdout, stderr);
            case CommandKind.Invalid:
                stderr.WriteLine($"error: {command.Error}");
                stderr.WriteLine("Run with --help for usage.");
                return Task.FromResult(2);
            default:
                throw new ArgumentException($"{command.Kind} is not a CLI command", nameof(command));
        }
    }
}
