using System.Collections;
using Homeserver.Configuration;
using Microsoft.Extensions.Logging;

namespace Homeserver.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_synapse_style_config_binds_every_section()
    {
        var loaded = _files.Load("""
            server_name: example.org
            public_baseurl: https://matrix.example.org
            listeners:
              - port: 8448
                type: http
                bind_addresses: ['::1', '127.0.0.1']
                resources:
                  - names: [federation]
                    compress: false
              - port: 8008
                bind_addresses: ['0.0.0.0']
                resources: [client]
            database:
              name: psycopg2
              args:
                user: synapse
                password: secret
                host: db.internal
                port: 5433
                database: synapse
                cp_min: 5
                cp_max: 10
            signing_key_path: /etc/keys/example.org.signing.key
            media_store_path: media
            enable_registration: yes
            registration_requires_token: true
            registration_shared_secret: "s3cret"
            max_upload_size: 10M
            rc_message: {per_second: 0.5, burst_count: 20}
            rc_login:
              address: {per_second: 1, burst_count: 2}
              failed_attempts: {per_second: 0.1, burst_count: 4}
            serve_server_wellknown: true
            default_room_version: "10"
            log_level: warning
            shutdown_timeout: 1m
            """);
        var config = loaded.Config;

        config.ServerName.Should().Be("example.org");
        config.EffectivePublicBaseUrl.Should().Be("https://matrix.example.org/");
        config.Listeners.Should().HaveCount(2);
        config.Listeners[0].Port.Should().Be(8448);
        config.Listeners[0].BindAddresses.Should().Equal("::1", "127.0.0.1");
        config.Listeners[0].Resources.Should().Equal("federation");
        config.Listeners[1].Resources.Should().Equal("client");
        config.Database.Engine.Should().Be(DatabaseEngine.Postgres);
        config.Database.Args.Host.Should().Be("db.internal");
        config.Database.Args.Port.Should().Be(5433);
        config.Database.Args.CpMax.Should().Be(10);
        config.SigningKeyPath.Should().Be("/etc/keys/example.org.signing.key");
        config.MediaStorePath.Should().Be(Path.Combine(_files.Directory, "media"));
        config.EnableRegistration.Should().BeTrue();
        config.RegistrationRequiresToken.Should().BeTrue();
        config.RegistrationSharedSecret.Should().Be("s3cret");
        config.MaxUploadSize.Should().Be(10L * 1024 * 1024);
        config.RcMessage.PerSecond.Should().Be(0.5);
        config.RcMessage.BurstCount.Should().Be(20);
        config.RcLogin.Address.BurstCount.Should().Be(2);
        config.RcLogin.Account.BurstCount.Should().Be(5, "an unset section keeps its default");
        config.RcLogin.FailedAttempts.PerSecond.Should().Be(0.1);
        config.ServeServerWellknown.Should().BeTrue();
        config.DefaultRoomVersion.Should().Be("10");
        config.LogLevel.Should().Be(LogLevel.Warning);
        config.ShutdownTimeout.Should().Be(TimeSpan.FromMinutes(1));
        loaded.Warnings.Should().Equal("listeners[0].resources[0].compress: unknown key, ignored");
    }

    [Fact]
    public void An_empty_file_gives_the_defaults_with_paths_in_the_config_folder()
    {
        var config = _files.Load("").Config;

        config.ServerName.Should().Be("localhost");
        config.EffectivePublicBaseUrl.Should().Be("https://localhost/");
        config.Listeners.Should().ContainSingle().Which.Port.Should().Be(8008);
        config.Database.Engine.Should().Be(DatabaseEngine.Sqlite);
        config.Database.Args.Database.Should().Be(Path.Combine(_files.Directory, "homeserver.db"));
        config.Database.ConnectionString().Should().Be($"Data Source={Path.Combine(_files.Directory, "homeserver.db")}");
        config.SigningKeyPath.Should().Be(Path.Combine(_files.Directory, "signing.key"));
    }

    [Fact]
    public void Null_values_keep_the_default_and_unknown_keys_are_warnings()
    {
        var loaded = _files.Load("""
            server_name: ~
            max_upload_size:
            report_stats: true
            database:
              name: sqlite3
              args: {database: db/hs.sqlite, synchronous: full}
            """);

        loaded.Config.ServerName.Should().Be("localhost");
        loaded.Config.MaxUploadSize.Should().Be(50L * 1024 * 1024);
        loaded.Config.Database.Args.Database.Should().Be(Path.Combine(_files.Directory, "db", "hs.sqlite"));
        loaded.Warnings.Should().BeEquivalentTo("report_stats: unknown key, ignored", "database.args.synchronous: unknown key, ignored");
    }

    [Fact]
    public void Postgres_arguments_build_an_npgsql_connection_string()
    {
        var config = _files.Load("""
            database:
              name: postgres
              args:
                connection_string: "Host=ignored;Database=hs;Timeout=5"
                host: db
                user: hs
                password: pw
                cp_max: 7
            """).Config;

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(config.Database.ConnectionString());
        builder.Host.Should().Be("db");
        builder.Database.Should().Be("hs");
        builder.Username.Should().Be("hs");
        builder.Password.Should().Be("pw");
        builder.Timeout.Should().Be(5);
        builder.MaxPoolSize.Should().Be(7);
    }

    [Fact]
    public void Environment_variables_override_keys_at_any_depth()
    {
        var environment = new Hashtable
        {
            ["HOMESERVER__SERVER_NAME"] = "env.example.org",
            ["HOMESERVER__DATABASE__NAME"] = "psycopg2",
            ["HOMESERVER__DATABASE__ARGS__HOST"] = "db.env",
            ["HOMESERVER__DATABASE__ARGS__DATABASE"] = "hs",
            ["HOMESERVER__LISTENERS__0__PORT"] = "9000",
            ["HOMESERVER__LISTENERS__0__BIND_ADDRESSES"] = "::1, 127.0.0.1",
            ["HOMESERVER__LISTENERS__1__PORT"] = "9001",
            ["HOMESERVER__LISTENERS__1__RESOURCES"] = "federation",
            ["HOMESERVER__RC_LOGIN__ADDRESS__BURST_COUNT"] = "9",
            ["HOMESERVER__ENABLE_REGISTRATION"] = "true",
            ["OTHER__SERVER_NAME"] = "ignored",
        };
        var config = _files.Load("""
            server_name: file.example.org
            listeners:
              - port: 8008
                resources: [client, federation]
            """, environment).Config;

        config.ServerName.Should().Be("env.example.org");
        config.Database.Engine.Should().Be(DatabaseEngine.Postgres);
        config.Database.Args.Host.Should().Be("db.env");
        config.Listeners.Should().HaveCount(2);
        config.Listeners[0].Port.Should().Be(9000);
        config.Listeners[0].BindAddresses.Should().Equal("::1", "127.0.0.1");
        config.Listeners[0].Resources.Should().Equal("client", "federation");
        config.Listeners[1].Port.Should().Be(9001);
        config.Listeners[1].Resources.Should().Equal("federation");
        config.RcLogin.Address.BurstCount.Should().Be(9);
        config.EnableRegistration.Should().BeTrue();
    }

    [Fact]
    public void Environment_overrides_that_cannot_apply_are_errors()
    {
        _files.Errors("listeners: [{port: 8008}]", new Hashtable { ["HOMESERVER__LISTENERS__3__PORT"] = "1" })
            .Should().Equal("HOMESERVER__LISTENERS__3__PORT: list index 3 skips entries (the list has 1)");
        _files.Errors("", new Hashtable { ["HOMESERVER__LISTENERS__0__PORT"] = "eighty" })
            .Should().Equal("listeners[0].port: must be an integer, not 'eighty'");
        _files.Errors("", new Hashtable { ["HOMESERVER__SERVER_NAME__X"] = "a" })
            .Should().Equal("server_name: must be a single value, not a list or mapping");
    }

    [Theory]
    [InlineData("listeners: [{port: 0}]", "listeners[0].port: must be 1..65535")]
    [InlineData("listeners: [{port: 70000}]", "listeners[0].port: must be 1..65535")]
    [InlineData("listeners: [{port: http}]", "listeners[0].port: must be an integer, not 'http'")]
    [InlineData("listeners: []", "listeners: at least one listener is needed")]
    [InlineData("listeners: [{type: metrics}]", "listeners[0].type: must be http, not 'metrics'")]
    [InlineData("listeners: [{bind_addresses: [localhost]}]", "listeners[0].bind_addresses[0]: 'localhost' is not an IP address (use 0.0.0.0 or :: for all)")]
    [InlineData("listeners: [{resources: [client, metrics]}]", "listeners[0].resources[1]: 'metrics' is not a resource (client, federation, media, keys)")]
    [InlineData("listeners: [{port: 8008}, {port: 8008}]", "listeners[1].bind_addresses[0]: 127.0.0.1 port 8008 is already used by listeners[0]")]
    [InlineData("listeners: {port: 8008}", "listeners: must be a list")]
    [InlineData("server_name: 'exa mple.org'", "server_name: 'exa mple.org' is not a server name: the host must be 1-255 letters, digits, '-' and '.' (or an IP literal)")]
    [InlineData("server_name: [a]", "server_name: must be a single value, not a list or mapping")]
    [InlineData("public_baseurl: ftp://example.org/", "public_baseurl: 'ftp://example.org/' must be an absolute http or https URL without query or fragment")]
    [InlineData("database: {name: mysql}", "database.name: must be sqlite or psycopg2, not 'mysql'")]
    [InlineData("database: {name: psycopg2, args: {port: 0, database: x}}", "database.args.port: must be 1..65535")]
    [InlineData("database: {name: psycopg2, args: {connection_string: 'nonsense'}}", "database.args.connection_string: is not a valid PostgreSQL connection string (Npgsql 'Key=Value;...' syntax)")]
    [InlineData("database: {name: psycopg2, args: {database: x, cp_min: 5, cp_max: 2}}", "database.args.cp_min: must not exceed cp_max")]
    [InlineData("database: sqlite", "database: must be a mapping of keys to values")]
    [InlineData("enable_registration: maybe", "enable_registration: must be true or false, not 'maybe'")]
    [InlineData("registration_shared_secret: ''", "registration_shared_secret: must not be empty; remove the key to disable shared-secret registration")]
    [InlineData("max_upload_size: 10MB", "max_upload_size: '10MB' is not a size (examples: 512K, 10M, 1G, or an integer of bytes)")]
    [InlineData("max_upload_size: 0", "max_upload_size: must be more than 0 bytes")]
    [InlineData("rc_message: {per_second: 0}", "rc_message.per_second: must be more than 0")]
    [InlineData("rc_login: {account: {burst_count: 0}}", "rc_login.account.burst_count: must be at least 1")]
    [InlineData("rc_login: {address: {per_second: .nan}}", "rc_login.address.per_second: must be a number, not '.nan'")]
    [InlineData("default_room_version: '13'", "default_room_version: '13' is not a supported room version (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)")]
    [InlineData("log_level: loud", "log_level: must be one of Trace, Debug, Information, Warning, Error, Critical, None, not 'loud'")]
    [InlineData("shutdown_timeout: soon", "shutdown_timeout: 'soon' is not a duration (examples: 500ms, 30s, 5m, 1h, 7d, or an integer of milliseconds)")]
    [InlineData("signing_key_path: ''", "signing_key_path: must not be empty")]
    public void Bad_values_are_reported_with_their_key(string yaml, string error) =>
        _files.Errors(yaml).Should().Equal(error);

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        _files.Errors("listeners: [{port: 0, bind_addresses: [x]}]\nserver_name: 'a b'\n")
            .Should().HaveCount(3);
        _files.Errors("listeners: [{port: x}]\nlog_level: y\nmax_upload_size: 0\n").Should().Equal(
            "listeners[0].port: must be an integer, not 'x'",
            "log_level: must be one of Trace, Debug, Information, Warning, Error, Critical, None, not 'y'",
            "max_upload_size: must be more than 0 bytes");
    }

    [Fact]
    public void A_missing_tls_file_is_named()
    {
        _files.Errors("listeners: [{tls: true}]").Should().Equal(
            "listeners[0].tls_certificate_path: is required when tls is true",
            "listeners[0].tls_private_key_path: is required when tls is true");
        _files.Errors("listeners: [{tls: true, tls_certificate_path: certs/cert.pem, tls_private_key_path: /nonexistent/key.pem}]")
            .Should().Equal(
                $"listeners[0].tls_certificate_path: file not found: {Path.Combine(_files.Directory, "certs", "cert.pem")}",
                "listeners[0].tls_private_key_path: file not found: /nonexistent/key.pem");
    }

    [Theory]
    [InlineData("server_name: [unclosed", "homeserver.yaml line 2, column 1: While parsing a flow sequence")]
    [InlineData("a: 1\na: 2", "homeserver.yaml line 2")]
    [InlineData("- just\n- a list", "homeserver.yaml: the top level must be a mapping of keys to values")]
    [InlineData("a: 1\n---\nb: 2", "homeserver.yaml: holds 2 YAML documents; expected one")]
    public void Malformed_yaml_is_reported_with_its_position(string yaml, string start) =>
        _files.Errors(yaml).Should().ContainSingle().Which.Should().StartWith(start);

    [Fact]
    public void A_missing_file_is_a_config_error()
    {
        var path = Path.Combine(_files.Directory, "absent.yaml");
        var act = () => ConfigLoader.Load(path, new Hashtable());
        act.Should().Throw<ConfigException>().Which.Errors.Should().ContainSingle().Which.Should().StartWith($"cannot read config file {path}");
    }
}
