using Homeserver.Federation.Signing;
using FederationServerName = Homeserver.Federation.Identifiers.ServerName;

namespace Homeserver.Configuration;

/// <summary>Checks the federation options: server names, addresses, CA files and keys.</summary>
public static class FederationConfigValidator
{
    /// <summary>The most <c>valid_until_ts</c> lies in the future: other servers use at most 7 days anyway.</summary>
    public static readonly TimeSpan MaxKeyRefreshInterval = TimeSpan.FromDays(7);

    public static void Validate(HomeserverConfig config, Action<string, string> error)
    {
        if (config.FederationDomainWhitelist is { } whitelist)
            ValidateServerNames("federation_domain_whitelist", whitelist, error);
        ValidateServerNames("federation_domain_denylist", config.FederationDomainDenylist, error);

        foreach (var (serverName, address) in config.FederationAddressMap)
        {
            if (!FederationServerName.IsValid(serverName))
                error($"federation_address_map.{serverName}", "the key must be a server name");
            if (!FederationServerName.TryParse(address, out var parsed) || parsed.Port is null or < 1 or > 65535)
                error($"federation_address_map.{serverName}", $"'{address}' must be host:port (an IPv6 address in brackets)");
        }

        for (var i = 0; i < config.FederationCustomCaList.Count; i++)
            if (!File.Exists(config.FederationCustomCaList[i]))
                error($"federation_custom_ca_list[{i}]", $"file not found: {config.FederationCustomCaList[i]}");

        for (var i = 0; i < config.TrustedKeyServers.Count; i++)
        {
            var server = config.TrustedKeyServers[i];
            if (!FederationServerName.IsValid(server.ServerName))
                error($"trusted_key_servers[{i}].server_name", $"'{server.ServerName}' is not a server name");
            if (server.VerifyKeys.Count == 0)
                error($"trusted_key_servers[{i}].verify_keys", "at least one key is needed to check the notary's answers");
            foreach (var (keyId, key) in server.VerifyKeys)
                ValidateKey($"trusted_key_servers[{i}].verify_keys.{keyId}", keyId, key, error);
        }

        foreach (var (keyId, old) in config.OldSigningKeys)
        {
            ValidateKey($"old_signing_keys.{keyId}", keyId, old.Key, error);
            if (old.ExpiredTs <= 0) error($"old_signing_keys.{keyId}.expired_ts", "must be a time in milliseconds since the epoch");
        }

        if (config.KeyRefreshInterval < TimeSpan.FromMinutes(1) || config.KeyRefreshInterval > MaxKeyRefreshInterval)
            error("key_refresh_interval", "must be between 1m and 7d");

        for (var i = 0; i < config.FederationKeyDenylist.Count; i++)
            if (!Federation.Json.UnpaddedBase64.TryDecode(config.FederationKeyDenylist[i], out var bytes) || bytes.Length != 32)
                error($"federation_key_denylist[{i}]", "must be an ed25519 public key in unpadded base64 (32 bytes)");
    }

    private static void ValidateServerNames(string key, List<string> names, Action<string, string> error)
    {
        for (var i = 0; i < names.Count; i++)
            if (!FederationServerName.IsValid(names[i]))
                error($"{key}[{i}]", $"'{names[i]}' is not a server name");
    }

    private static void ValidateKey(string path, string keyId, string key, Action<string, string> error)
    {
        try
        {
            _ = VerifyKey.FromBase64(keyId, key);
        }
        catch (FormatException e)
        {
            error(path, e.Message);
        }
    }
}
