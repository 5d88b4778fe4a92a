using Homeserver.Cli;

namespace Homeserver.Tests.Cli;

public class CommandLineTests
{
    [Fact]
    public void No_arguments_runs_the_server()
    {
        var command = CommandLine.Parse([]);
        command.Kind.Should().Be(CommandKind.Run);
        command.ConfigPath.Should().BeNull();
        command.HostArgs.Should().BeEmpty();
    }

    [Fact]
    public void Options_take_the_next_argument_or_the_text_after_equals()
    {
        CommandLine.Parse(["--config", "a.yaml"]).ConfigPath.Should().Be("a.yaml");
        CommandLine.Parse(["-c", "a.yaml"]).ConfigPath.Should().Be("a.yaml");
        CommandLine.Parse(["--config=b.yaml", "--data-dir=/d"]).Should().BeEquivalentTo(new { ConfigPath = "b.yaml", DataDirectory = "/d", Kind = CommandKind.Run });
    }

    [Fact]
    public void Other_key_value_arguments_go_to_the_host()
    {
        var command = CommandLine.Parse(["--config=x.yaml", "--environment=Development", "--contentRoot=/app"]);
        command.Kind.Should().Be(CommandKind.Run);
        command.HostArgs.Should().Equal("--environment=Development", "--contentRoot=/app");
    }

    [Fact]
    public void Subcommands_and_their_options_are_recognised()
    {
        CommandLine.Parse(["generate-config", "--server-name", "example.org", "--data-dir", "d"])
            .Should().BeEquivalentTo(new { Kind = CommandKind.GenerateConfig, ServerName = "example.org", DataDirectory = "d" });
        CommandLine.Parse(["generate-keys", "-o", "k.key"]).Should().BeEquivalentTo(new { Kind = CommandKind.GenerateKeys, Output = "k.key" });
        CommandLine.Parse(["--help"]).Kind.Should().Be(CommandKind.Help);
        CommandLine.Parse(["generate-keys", "-h"]).Kind.Should().Be(CommandKind.Help);
        CommandLine.Parse(["routes", "--data-dir", "d", "-o", "r.json"])
            .Should().BeEquivalentTo(new { Kind = CommandKind.Routes, DataDirectory = "d", Output = "r.json" });
    }

    [Fact]
    public void Debug_passes_the_rest_of_the_arguments_on()
    {
        var command = CommandLine.Parse(["--config", "c.yaml", "debug", "config", "--unknown", "x"]);
        command.Kind.Should().Be(CommandKind.Debug);
        command.CommandArgs.Should().Equal("config", "--config=c.yaml", "--unknown", "x");
        CommandLine.Parse(["debug"]).CommandArgs.Should().BeEmpty();
    }

    [Theory]
    [InlineData(new[] { "serve" }, "unknown command 'serve'")]
    [InlineData(new[] { "run", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "--verbose" }, "unknown option '--verbose'")]
    [InlineData(new[] { "--config" }, "--config needs a file path")]
    [InlineData(new[] { "generate-config" }, "generate-config needs --server-name NAME")]
    [InlineData(new[] { "--server-name", "x" }, "--server-name applies to generate-config only")]
    [InlineData(new[] { "generate-config", "--server-name", "x", "-o", "k" }, "--output applies to generate-keys and routes only")]
    public void Bad_arguments_are_reported(string[] args, string error)
    {
        var command = CommandLine.Parse(args);
        command.Kind.Should().Be(CommandKind.Invalid);
        command.Error.Should().Be(error);
    }
}
