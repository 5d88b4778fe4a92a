using System.Net;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Configuration;

/// <summary>
/// Checks a bound and normalized configuration, returning one message per problem in the form
/// <c>key.path: what is wrong</c>. Secrets are never echoed in the messages.
/// </summary>
public static class ConfigValidator
{
    public static IReadOnlyList<string> Validate(HomeserverConfig config)
    {
        var errors = new List<string>();
        void Error(string key, string message) => errors.Add($"{key}: {message}");

        if (!ServerNameSyntax.IsValid(config.ServerName, out var serverNameError))
            Error("server_name", $"'{config.ServerName}' is not a server name: {serverNameError}");
        if (config.PublicBaseUrl is { } baseUrl &&
            (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
             uri.Query.Length > 0 || uri.Fragment.Length > 0))
            Error("public_baseurl", $"'{baseUrl}' must be an absolute http or https URL without query or fragment");

        ValidateListeners(config.Listeners, Error);
        ValidateDatabase(config.Database, Error);

        if (config.SigningKeyPath.Length == 0) Error("signing_key_path", "must not be empty");
        if (config.MediaStorePath.Length == 0) Error("media_store_path", "must not be empty");
        if (config.RegistrationSharedSecret is { Length: 0 })
            Error("registration_shared_secret", "must not be empty; remove the key to disable shared-secret registration");
        if (config.MaxUploadSize <= 0) Error("max_upload_size", "must be more than 0 bytes");
        if (config.RefreshableAccessTokenLifetime <= TimeSpan.Zero)
            Error("refreshable_access_token_lifetime", "must be longer than 0");
        if (config.BcryptRounds is < 4 or > 31) Error("bcrypt_rounds", "must be between 4 and 31");
        ValidateRateLimit("rc_message", config.RcMessage, Error);
        ValidateRateLimit("rc_registration", config.RcRegistration, Error);
        ValidateRateLimit("rc_login.address", config.RcLogin.Address, Error);
        ValidateRateLimit("rc_login.account", config.RcLogin.Account, Error);
        ValidateRateLimit("rc_login.failed_attempts", config.RcLogin.FailedAttempts, Error);
        ValidateRateLimit("rc_media_create", config.RcMediaCreate, Error);
        ValidateMedia(config, Error);
        FederationConfigValidator.Validate(config, Error);
        if (!RoomVersionRegistry.TryGet(config.DefaultRoomVersion, out _))
            Error("default_room_version", $"'{config.DefaultRoomVersion}' is not a supported room version " +
                                          $"({string.Join(", ", RoomVersionRegistry.Stable.Select(v => v.Id))})");
        return errors;
    }

    private static void ValidateListeners(List<ListenerConfig> listeners, Action<string, string> error)
    {
        if (listeners.Count == 0) error("listeners", "at least one listener is needed");
        var seen = new Dictionary<(IPAddress, int), int>();
        for (var i = 0; i < listeners.Count; i++)
        {
            var listener = listeners[i];
            var key = $"listeners[{i}]";
            if (listener.Type != "http") error($"{key}.type", $"must be http, not '{listener.Type}'");
            if (listener.Port is < 1 or > 65535) error($"{key}.port", "must be 1..65535");
            if (listener.BindAddresses.Count == 0) error($"{key}.bind_addresses", "at least one address is needed");
            for (var j = 0; j < listener.BindAddresses.Count; j++)
            {
                if (!IPAddress.TryParse(listener.BindAddresses[j], out var address))
                    error($"{key}.bind_addresses[{j}]", $"'{listener.BindAddresses[j]}' is not an IP address (use 0.0.0.0 or :: for all)");
                else if (!seen.TryAdd((address, listener.Port), i))
                    error($"{key}.bind_addresses[{j}]", $"{listener.BindAddresses[j]} port {listener.Port} is already used by listeners[{seen[(address, listener.Port)]}]");
            }
            if (listener.Resources.Count == 0) error($"{key}.resources", "at least one resource is needed (client, federation)");
            for (var j = 0; j < listener.Resources.Count; j++)
                if (!ListenerResourceNames.All.Contains(listener.Resources[j]))
                    error($"{key}.resources[{j}]", $"'{listener.Resources[j]}' is not a resource ({string.Join(", ", ListenerResourceNames.All)})");
            if (!listener.Tls) continue;
            ValidateTlsFile($"{key}.tls_certificate_path", listener.TlsCertificatePath, error);
            ValidateTlsFile($"{key}.tls_private_key_path", listener.TlsPrivateKeyPath, error);
        }
    }

    private static void ValidateTlsFile(string key, string? path, Action<string, string> error)
    {
        if (string.IsNullOrEmpty(path)) error(key, "is required when tls is true");
        else if (!File.Exists(path)) error(key, $"file not found: {path}");
    }

    private static void ValidateDatabase(DatabaseConfig database, Action<string, string> error)
    {
        var args = database.Args;
        switch (database.Engine)
        {
            case null:
                error("database.name", $"must be sqlite or psycopg2, not '{database.Name}'");
                return;
            case DatabaseEngine.Sqlite:
                if (string.IsNullOrEmpty(args.Database)) error("database.args.database", "the SQLite database file must not be empty");
                return;
            case DatabaseEngine.Postgres:
                if (string.IsNullOrEmpty(args.Database) && string.IsNullOrEmpty(args.ConnectionString))
                    error("database.args", "PostgreSQL needs database (with user, password, host, port) or connection_string");
                if (args.Port is < 1 or > 65535) error("database.args.port", "must be 1..65535");
                if (args.CpMin is < 0) error("database.args.cp_min", "must not be negative");
                if (args.CpMax is < 1) error("database.args.cp_max", "must be at least 1");
                if (args.CpMin is { } min && args.CpMax is { } max && min > max) error("database.args.cp_min", "must not exceed cp_max");
                if (args.ConnectionString is { } connectionString)
                {
                    try
                    {
                        _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
                    }
                    catch (ArgumentException)
                    {
                        // The message could quote the password, so it is not repeated.
                        error("database.args.connection_string", "is not a valid PostgreSQL connection string (Npgsql 'Key=Value;...' syntax)");
                    }
                }
                return;
        }
    }

    private static void ValidateMedia(HomeserverConfig config, Action<string, string> error)
    {
        if (config.MaxPendingMediaUploads < 1) error("max_pending_media_uploads", "must be at least 1");
        if (config.UnusedExpirationTime <= TimeSpan.Zero) error("unused_expiration_time", "must be longer than 0");
        if (config.MaxImagePixels <= 0) error("max_image_pixels", "must be more than 0");
        if (config.MaxSpiderSize <= 0) error("max_spider_size", "must be more than 0 bytes");
        for (var i = 0; i < config.ThumbnailSizes.Count; i++)
        {
            var size = config.ThumbnailSizes[i];
            if (size.Width is < 1 or > ThumbnailSizeConfig.MaxDimension)
                error($"thumbnail_sizes[{i}].width", $"must be 1..{ThumbnailSizeConfig.MaxDimension}");
            if (size.Height is < 1 or > ThumbnailSizeConfig.MaxDimension)
                error($"thumbnail_sizes[{i}].height", $"must be 1..{ThumbnailSizeConfig.MaxDimension}");
            if (size.Method is not (ThumbnailSizeConfig.Crop or ThumbnailSizeConfig.Scale))
                error($"thumbnail_sizes[{i}].method", $"must be crop or scale, not '{size.Method}'");
        }
        ValidateIpRanges("url_preview_ip_range_blacklist", config.UrlPreviewIpRangeBlacklist, error);
        ValidateIpRanges("url_preview_ip_range_whitelist", config.UrlPreviewIpRangeWhitelist, error);
    }

    private static void ValidateIpRanges(string key, List<string> ranges, Action<string, string> error)
    {
        for (var i = 0; i < ranges.Count; i++)
            if (!IpRangeNotation.TryParse(ranges[i], out _))
                error($"{key}[{i}]", $"'{ranges[i]}' is not an IP address or CIDR range (e.g. 10.0.0.0/8, fc00::/7)");
    }

    private static void ValidateRateLimit(string key, RateLimitConfig limit, Action<string, string> error)
    {
        if (limit.PerSecond <= 0) error($"{key}.per_second", "must be more than 0");
        if (limit.BurstCount < 1) error($"{key}.burst_count", "must be at least 1");
    }
}
