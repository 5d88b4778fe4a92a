using Homeserver.Configuration;

namespace Homeserver.Tests.Configuration;

public class ConfigYamlWriterTests
{
    private static HomeserverConfig Sample() => ConfigLoader.Parse("""
        server_name: "example.org:8448"
        registration_shared_secret: "top \"secret\""
        listeners:
          - port: 8448
            bind_addresses: ['::']
            resources: [federation]
          - port: 8008
            tls: true
            tls_certificate_path: /c.pem
            tls_private_key_path: /k.pem
        database: {name: psycopg2, args: {host: db, password: pw, database: hs, port: 5432}}
        max_upload_size: 1G
        shutdown_timeout: 1500ms
        log_level: Debug
        """, "sample.yaml", []).Config;

    [Fact]
    public void Written_yaml_reads_back_into_the_same_config()
    {
        var yaml = ConfigYamlWriter.Write(Sample(), includeSecrets: true);
        var (back, warnings) = ConfigLoader.Parse(yaml, "written.yaml", []);

        warnings.Should().BeEmpty();
        ConfigYamlWriter.Write(back, includeSecrets: true).Should().Be(yaml);
        back.RegistrationSharedSecret.Should().Be("top \"secret\"");
        back.Listeners[1].TlsCertificatePath.Should().Be("/c.pem");
        back.ShutdownTimeout.Should().Be(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public void Secrets_are_redacted_by_default()
    {
        var yaml = ConfigYamlWriter.Write(Sample());

        yaml.Should().NotContain("top").And.NotContain("pw\"");
        yaml.Should().Contain("registration_shared_secret: \"<redacted>\"").And.Contain("    password: \"<redacted>\"");
        yaml.Should().Contain("    connection_string: null", "an unset secret is shown as unset");
        yaml.Should().Contain("  - port: 8448").And.Contain("    bind_addresses: [\"::\"]");
    }
}
