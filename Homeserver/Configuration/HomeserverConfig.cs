using Homeserver.Federation.RoomVersions;
using Microsoft.Extensions.Logging;
using YamlDotNet.Serialization;

namespace Homeserver.Configuration;

/// <summary>
/// The homeserver's configuration, read from homeserver.yaml (Synapse's key names where the
/// meaning matches). Every option is documented, with its default, in config/homeserver.example.yaml;
/// the defaults here and there are the same (a test checks it). YAML names are the snake_case form of
/// the property name unless <see cref="YamlMemberAttribute.Alias"/> says otherwise.
/// After loading, every relative path has been resolved against the config file's folder.
/// </summary>
public sealed class HomeserverConfig
{
    public string ServerName { get; set; } = "localhost";

    /// <summary>The public URL clients use; when unset, <c>https://{server_name}/</c>.</summary>
    [YamlMember(Alias = "public_baseurl")]
    public string? PublicBaseUrl { get; set; }

    public List<ListenerConfig> Listeners { get; set; } = [new()];
    public DatabaseConfig Database { get; set; } = new();
    public string SigningKeyPath { get; set; } = "signing.key";
    public string MediaStorePath { get; set; } = "media_store";
    public bool EnableRegistration { get; set; }
    public bool RegistrationRequiresToken { get; set; }
    [SecretOption]
    public string? RegistrationSharedSecret { get; set; }

    /// <summary>Let clients register guest accounts (<c>POST /register?kind=guest</c>).</summary>
    public bool AllowGuestAccess { get; set; }

    /// <summary>Lifetime of access tokens issued to clients that accept refresh tokens.</summary>
    public TimeSpan RefreshableAccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>bcrypt work factor for new password hashes (4 to 31).</summary>
    public int BcryptRounds { get; set; } = 12;

    /// <summary>Largest accepted media upload in bytes; YAML accepts size notation (<c>50M</c>).</summary>
    [ByteSize]
    public long MaxUploadSize { get; set; } = 50L * 1024 * 1024;

    /// <summary>Whether the deprecated unauthenticated <c>/_matrix/media/v3/download|thumbnail|config|preview_url</c> endpoints answer.</summary>
    public bool EnableLegacyMediaEndpoints { get; set; } = true;

    /// <summary>How many asynchronous uploads (<c>POST /media/v1/create</c>) a user may have pending at once.</summary>
    public int MaxPendingMediaUploads { get; set; } = 5;

    /// <summary>How long a media id from <c>POST /media/v1/create</c> waits for its content before it expires.</summary>
    public TimeSpan UnusedExpirationTime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Images with more pixels (width times height, read from the header) are not thumbnailed.</summary>
    [ByteSize]
    public long MaxImagePixels { get; set; } = 32L * 1024 * 1024;

    /// <summary>The thumbnail sizes the server makes; a request gets the best fitting one.</summary>
    public List<ThumbnailSizeConfig> ThumbnailSizes { get; set; } = ThumbnailSizeConfig.Defaults();

    /// <summary>Serve <c>/media/preview_url</c>: the server fetches URLs that clients name.</summary>
    public bool UrlPreviewEnabled { get; set; }

    /// <summary>IP ranges (CIDR) URL previews never connect to, besides the private and reserved ranges always refused.</summary>
    public List<string> UrlPreviewIpRangeBlacklist { get; set; } = [];

    /// <summary>IP ranges (CIDR) URL previews may connect to even when a blocked range contains them.</summary>
    public List<string> UrlPreviewIpRangeWhitelist { get; set; } = [];

    /// <summary>The most bytes a URL preview downloads from one URL (the page or its image).</summary>
    [ByteSize]
    public long MaxSpiderSize { get; set; } = 10L * 1024 * 1024;

    public RateLimitConfig RcMessage { get; set; } = new() { PerSecond = 0.2, BurstCount = 10 };
    public RateLimitConfig RcRegistration { get; set; } = new() { PerSecond = 0.17, BurstCount = 3 };
    public LoginRateLimitConfig RcLogin { get; set; } = new();
    public RateLimitConfig RcMediaCreate { get; set; } = new() { PerSecond = 10, BurstCount = 50 };

    /// <summary>Serve <c>/.well-known/matrix/server</c> pointing at this server's public URL.</summary>
    public bool ServeServerWellknown { get; set; }

    /// <summary>The only servers this server federates with; null: every server not denied.</summary>
    public List<string>? FederationDomainWhitelist { get; set; }

    /// <summary>Servers this server never federates with (requests refused in both directions).</summary>
    public List<string> FederationDomainDenylist { get; set; } = [];

    /// <summary>Fixed addresses (<c>host:port</c>) for server names, used before any discovery: tests and private networks.</summary>
    public Dictionary<string, string> FederationAddressMap { get; set; } = [];

    /// <summary>PEM files of certificate authorities trusted for federation in addition to the system's.</summary>
    public List<string> FederationCustomCaList { get; set; } = [];

    /// <summary>Check the TLS certificates of other servers; off only for tests.</summary>
    public bool FederationVerifyCertificates { get; set; } = true;

    /// <summary>Notary servers asked for keys that a server does not serve itself.</summary>
    public List<TrustedKeyServerConfig> TrustedKeyServers { get; set; } = [];

    /// <summary>Keys this server used before, by key id, published as <c>old_verify_keys</c>.</summary>
    public Dictionary<string, OldSigningKeyConfig> OldSigningKeys { get; set; } = [];

    /// <summary>How long other servers may cache this server's keys (<c>valid_until_ts</c>), at most 7 days.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Public keys (unpadded base64) that are never trusted, whoever presents them.</summary>
    public List<string> FederationKeyDenylist { get; set; } = [];

    /// <summary>Room version of new rooms when the client asks for none.</summary>
    public string DefaultRoomVersion { get; set; } = RoomVersionRegistry.Default.Id;

    /// <summary>Profile look-ups (<c>GET /profile/...</c>) need an access token.</summary>
    public bool RequireAuthForProfileRequests { get; set; }

    /// <summary><c>GET /publicRooms</c> answers without an access token.</summary>
    public bool AllowPublicRoomsWithoutAuth { get; set; }

    /// <summary>TURN server URIs handed to clients for VoIP (<c>GET /voip/turnServer</c>); none: no TURN.</summary>
    public List<string> TurnUris { get; set; } = [];

    /// <summary>Secret shared with coturn (<c>use-auth-secret</c>): credentials are minted per user and expire.</summary>
    [SecretOption]
    public string? TurnSharedSecret { get; set; }

    /// <summary>Fixed TURN credentials, used when no shared secret is set.</summary>
    public string? TurnUsername { get; set; }

    [SecretOption]
    public string? TurnPassword { get; set; }

    /// <summary>How long minted TURN credentials stay valid.</summary>
    public TimeSpan TurnUserLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Guests get TURN credentials too.</summary>
    public bool TurnAllowGuests { get; set; } = true;

    /// <summary>Minimum level of console log messages.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>How long a stopping server waits for requests in flight to finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The public base URL with a trailing slash: the configured one, else <c>https://{server_name}/</c>.</summary>
    [YamlIgnore]
    public string EffectivePublicBaseUrl =>
        PublicBaseUrl is { Length: > 0 } url ? (url.EndsWith('/') ? url : url + "/") : $"https://{ServerName}/";
}
