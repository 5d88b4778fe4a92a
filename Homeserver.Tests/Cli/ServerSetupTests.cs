using System.Collections;
using Homeserver.Cli;
using Homeserver.Configuration;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.Cli;

public sealed class ServerSetupTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public void Dispose() => _folder.Dispose();

    private Homeserver.Hosting.PreparedServer? Prepare(IDictionary environment, params string[] args) =>
        ServerSetup.Prepare(CommandLine.Parse(args), environment, _stdout, _stderr);

    [Fact]
    public void First_run_writes_config_and_key_and_a_second_run_reuses_them()
    {
        var dataDir = _folder["data"];
        using var first = Prepare(new Hashtable(), "--data-dir", dataDir)!.SigningKey;

        File.Exists(Path.Combine(dataDir, "homeserver.yaml")).Should().BeTrue();
        var keyFile = Path.Combine(dataDir, "signing.key");
        SigningKeyFile.Parse(File.ReadAllText(keyFile)).Single().PublicKeyBase64.Should().Be(first.PublicKeyBase64);
        var output = _stdout.ToString();
        output.Should().Contain($"Wrote a new config for server name 'localhost' to {Path.Combine(dataDir, "homeserver.yaml")}");
        output.Should().Contain($"Wrote a new signing key {first.KeyId} to {keyFile}");
        output.Should().Contain($"Database:     SQLite {Path.Combine(dataDir, "homeserver.db")}");
        output.Should().Contain("Listening on: http://127.0.0.1:8008 (client, federation)");
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(keyFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        _stdout.GetStringBuilder().Clear();
        var second = Prepare(new Hashtable(), "--data-dir", dataDir)!;
        second.SigningKey.KeyId.Should().Be(first.KeyId);
        second.SigningKey.PublicKeyBase64.Should().Be(first.PublicKeyBase64);
        second.Config.ServerName.Should().Be("localhost");
        _stdout.ToString().Should().NotContain("Wrote");
        _stderr.ToString().Should().BeEmpty();
    }

    [Fact]
    public void The_data_folder_and_config_come_from_the_environment_when_not_given()
    {
        var dataDir = _folder["env-data"];
        using var key = Prepare(new Hashtable { ["HOMESERVER_DATA_DIR"] = dataDir })!.SigningKey;
        File.Exists(Path.Combine(dataDir, "homeserver.yaml")).Should().BeTrue();

        var configPath = Path.Combine(dataDir, "homeserver.yaml");
        var server = Prepare(new Hashtable { ["HOMESERVER_CONFIG"] = configPath, ["HOMESERVER__SERVER_NAME"] = "env.example.org" })!;
        server.Loaded.Path.Should().Be(configPath);
        server.Config.ServerName.Should().Be("env.example.org");
        server.SigningKey.KeyId.Should().Be(key.KeyId);
    }

    [Fact]
    public void A_named_config_that_does_not_exist_is_an_error_and_is_not_created()
    {
        var path = _folder["missing.yaml"];
        Prepare(new Hashtable(), "--config", path).Should().BeNull();
        _stderr.ToString().Should().Be($"config error: config file not found: {path} (create one with generate-config){Environment.NewLine}");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void A_bad_config_prints_each_error_without_a_stack_trace()
    {
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, "listeners: [{port: 0}]\nlog_level: loud\nno_such_key: 1\n");

        Prepare(new Hashtable(), "--config", path).Should().BeNull();
        _stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "config error: log_level: must be one of Trace, Debug, Information, Warning, Error, Critical, None, not 'loud'",
            "config error: listeners[0].port: must be 1..65535");

        File.WriteAllText(path, "listeners: [{port: 0}]\nno_such_key: 1\n");
        _stderr.GetStringBuilder().Clear();
        Prepare(new Hashtable(), "--config", path).Should().BeNull();
        _stderr.ToString().Should().Be($"config error: listeners[0].port: must be 1..65535{Environment.NewLine}");
    }

    [Fact]
    public void Unknown_keys_are_printed_as_warnings_and_the_server_still_starts()
    {
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, "report_stats: false\n");
        using var key = Prepare(new Hashtable(), "--config", path)!.SigningKey;
        _stderr.ToString().Should().Be($"config warning: report_stats: unknown key, ignored{Environment.NewLine}");
    }

    [Fact]
    public void A_corrupt_signing_key_is_a_config_error()
    {
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, "signing_key_path: keys/my.key\n");
        Directory.CreateDirectory(_folder["keys"]);
        File.WriteAllText(_folder["keys/my.key"], "ed25519 a_x notbase64!\n");

        Prepare(new Hashtable(), "--config", path).Should().BeNull();
        _stderr.ToString().Should().StartWith($"config error: signing_key_path: cannot use {_folder["keys/my.key"]}: line 1:");
    }

    [Fact]
    public void A_tls_certificate_that_cannot_load_is_a_config_error()
    {
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(_folder["cert.pem"], "not a certificate");
        File.WriteAllText(_folder["key.pem"], "not a key");
        File.WriteAllText(path, "listeners: [{tls: true, tls_certificate_path: cert.pem, tls_private_key_path: key.pem}]\n");

        Prepare(new Hashtable(), "--config", path).Should().BeNull();
        _stderr.ToString().Should().StartWith("config error: listeners[0].tls_certificate_path: cannot load the PEM certificate with its private key:");
    }

    [Fact]
    public void The_generated_config_is_a_valid_config_for_its_server_name()
    {
        var yaml = ConfigGenerator.Render("example.org:8448", "secret");
        var (config, warnings) = ConfigLoader.Parse(yaml, "generated.yaml", []);
        warnings.Should().BeEmpty();
        ConfigValidator.Validate(config).Should().BeEmpty();
        config.ServerName.Should().Be("example.org:8448");
        config.EffectivePublicBaseUrl.Should().Be("https://example.org:8448/");
        config.RegistrationSharedSecret.Should().Be("secret");

        ConfigLoader.Parse(ConfigGenerator.Render("localhost", "s"), "generated.yaml", []).Config.EffectivePublicBaseUrl
            .Should().Be("http://localhost:8008/");
    }
}
