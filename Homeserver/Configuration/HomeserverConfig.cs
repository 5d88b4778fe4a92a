namespace Homeserver.Configuration;

/// <summary>
/// The homeserver's configuration, read from homeserver.yaml (Synapse's key names where the
/// meaning matches). Every option is documented, with its default, in config/homeserver.example.yaml.
/// </summary>
public sealed class HomeserverConfig
{
    public string ServerName { get; set; } = "localhost";
    public string? PublicBaseUrl { get; set; }
    /// <summary>Serve /.well-known/matrix/server delegating federation to public_baseurl's host (port 443 unless given).</summary>
    public bool ServeServerWellknown { get; set; }
    public string DataDirectory { get; set; } = "data";
    public List<ListenerConfig> Listeners { get; set; } = [new()];
    public DatabaseConfig Database { get; set; } = new();
    public string SigningKeyPath { get; set; } = "signing.key";
    public string MediaStorePath { get; set; } = "media_store";
    public bool EnableRegistration { get; set; }
    public bool RegistrationRequiresToken { get; set; }
    public string? RegistrationSharedSecret { get; set; }
    public long MaxUploadSize { get; set; } = 50L * 1024 * 1024;
    public RateLimitConfig RcMessage { get; set; } = new() { PerSecond = 0.2, BurstCount = 10 };
    public RateLimitConfig RcRegistration { get; set; } = new() { PerSecond = 0.17, BurstCount = 3 };
    public LoginRateLimitConfig RcLogin { get; set; } = new();
}

public sealed class ListenerConfig
{
    public int Port { get; set; } = 8008;
    public List<string> BindAddresses { get; set; } = ["127.0.0.1"];
    public bool Tls { get; set; }
    public string? TlsCertificatePath { get; set; }
    public string? TlsPrivateKeyPath { get; set; }
    /// <summary>Which APIs this listener serves: "client", "federation" (and later "media", "admin").</summary>
    public List<string> Resources { get; set; } = ["client", "federation"];
}

public sealed class DatabaseConfig
{
    /// <summary>"sqlite" (embedded default) or "psycopg2"/"postgres" (PostgreSQL).</summary>
    public string Name { get; set; } = "sqlite";
    public Dictionary<string, string> Args { get; set; } = [];
}

/// <summary>A token bucket: <see cref="PerSecond"/> refill rate, <see cref="BurstCount"/> capacity.</summary>
public sealed class RateLimitConfig
{
    public double PerSecond { get; set; }
    public int BurstCount { get; set; }
}

public sealed class LoginRateLimitConfig
{
    public RateLimitConfig Address { get; set; } = new() { PerSecond = 0.003, BurstCount = 5 };
    public RateLimitConfig Account { get; set; } = new() { PerSecond = 0.003, BurstCount = 5 };
    public RateLimitConfig FailedAttempts { get; set; } = new() { PerSecond = 0.17, BurstCount = 3 };
}
