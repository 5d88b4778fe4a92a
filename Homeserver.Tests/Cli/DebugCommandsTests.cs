using Homeserver.Cli.Debug;

namespace Homeserver.Tests.Cli;

public sealed class DebugCommandsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public void Dispose() => _folder.Dispose();

    private Task<int> Run(params string[] args) => DebugCommands.Run(args, TextReader.Null, _stdout, _stderr);

    [Fact]
    public async Task An_unknown_name_prints_the_usage()
    {
        (await Run("nonsense")).Should().Be(2);
        _stderr.ToString().Should().Contain("unknown debug command 'nonsense'").And.Contain("Usage: Homeserver debug <command>").And.Contain("config");
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        (await Run("help")).Should().Be(0);
        foreach (var command in DebugCommands.All) _stdout.ToString().Should().Contain(command.Name);
        DebugCommands.All.Select(c => c.Name).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Config_prints_the_effective_config_with_secrets_redacted()
    {
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, "server_name: example.org\nregistration_shared_secret: hunter2\nfoo: 1\n");

        (await Run("config", "--config", path)).Should().Be(0, _stderr.ToString());
        var output = _stdout.ToString();
        output.Should().Contain("server_name: \"example.org\"").And.Contain("registration_shared_secret: \"<redacted>\"");
        output.Should().Contain($"signing_key_path: \"{_folder["signing.key"]}\"");
        output.Should().Contain("# warning: foo: unknown key, ignored");
        output.Should().NotContain("hunter2");
    }

    [Fact]
    public async Task Config_reports_errors()
    {
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, "listeners: [{port: 0}]\n");
        (await Run("config", "--config", path)).Should().Be(1);
        _stderr.ToString().Should().Contain("config error: listeners[0].port: must be 1..65535");
        (await Run("config", "--bogus")).Should().Be(2);
    }
}
