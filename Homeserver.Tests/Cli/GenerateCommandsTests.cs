using System.Collections;
using Homeserver.Cli;
using Homeserver.Configuration;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.Cli;

public sealed class GenerateCommandsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public void Dispose() => _folder.Dispose();

    private int Run(IDictionary environment, params string[] args) =>
        CliCommands.RunAsync(CommandLine.Parse(args), environment, TextReader.Null, _stdout, _stderr).GetAwaiter().GetResult();

    [Fact]
    public void Generate_config_writes_a_loadable_config_and_a_signing_key()
    {
        var dataDir = _folder["gen"];
        Run(new Hashtable(), "generate-config", "--server-name", "example.org", "--data-dir", dataDir).Should().Be(0, _stderr.ToString());

        var loaded = ConfigLoader.Load(Path.Combine(dataDir, "homeserver.yaml"), new Hashtable());
        loaded.Warnings.Should().BeEmpty();
        loaded.Config.ServerName.Should().Be("example.org");
        loaded.Config.RegistrationSharedSecret.Should().HaveLength(64);
        loaded.Config.Database.Args.Database.Should().Be(Path.Combine(dataDir, "homeserver.db"));
        SigningKeyFile.Parse(File.ReadAllText(loaded.Config.SigningKeyPath)).Should().ContainSingle();
        _stdout.ToString().Should().Contain("Wrote a new config for server name 'example.org'").And.Contain("Wrote a new signing key ed25519:a_");
    }

    [Fact]
    public void Generate_config_never_overwrites_and_checks_the_server_name()
    {
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, "server_name: mine\n");
        Run(new Hashtable(), "generate-config", "--server-name", "example.org", "--config", path).Should().Be(1);
        _stderr.ToString().Should().Contain($"{path} exists already");
        File.ReadAllText(path).Should().Be("server_name: mine\n");

        Run(new Hashtable(), "generate-config", "--server-name", "bad name", "--data-dir", _folder["x"]).Should().Be(1);
        _stderr.ToString().Should().Contain("'bad name' is not a server name");
        Directory.Exists(_folder["x"]).Should().BeFalse();
    }

    [Fact]
    public void Generate_keys_writes_a_new_key_file_in_synapse_format()
    {
        var path = _folder["new.key"];
        Run(new Hashtable(), "generate-keys", "--output", path).Should().Be(0);
        var key = SigningKeyFile.Parse(File.ReadAllText(path)).Single();
        File.ReadAllText(path).Should().MatchRegex(@"^ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n$");
        _stdout.ToString().Should().Contain($"Wrote a new signing key {key.KeyId} to {path}");

        Run(new Hashtable(), "generate-keys", "--output", path).Should().Be(1, "an existing key is never replaced");
        SigningKeyFile.Parse(File.ReadAllText(path)).Single().PublicKeyBase64.Should().Be(key.PublicKeyBase64);
    }

    [Fact]
    public void Generate_keys_to_standard_output()
    {
        Run(new Hashtable(), "generate-keys", "-o", "-").Should().Be(0);
        SigningKeyFile.Parse(_stdout.ToString()).Should().ContainSingle();
    }

    [Fact]
    public void Generate_keys_without_output_uses_the_signing_key_path_of_the_config()
    {
        var config = _folder["homeserver.yaml"];
        File.WriteAllText(config, "signing_key_path: keys/server.key\n");
        Run(new Hashtable { ["HOMESERVER_CONFIG"] = config }, "generate-keys").Should().Be(0, _stderr.ToString());
        SigningKeyFile.Parse(File.ReadAllText(_folder["keys/server.key"])).Should().ContainSingle();

        Run(new Hashtable(), "generate-keys", "--config", _folder["absent.yaml"]).Should().Be(1);
        _stderr.ToString().Should().Contain($"config error: no config at {_folder["absent.yaml"]}: pass --output FILE, or --config PATH");
    }

    [Fact]
    public void Help_and_bad_arguments()
    {
        Run(new Hashtable(), "--help").Should().Be(0);
        _stdout.ToString().Should().Contain("generate-config").And.Contain("HOMESERVER_DATA_DIR");
        Run(new Hashtable(), "frobnicate").Should().Be(2);
        _stderr.ToString().Should().Contain("error: unknown command 'frobnicate'").And.Contain("--help");
    }
}
