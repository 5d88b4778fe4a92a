using System.Collections;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Accounts;
using Homeserver.AdminApi;
using Homeserver.Configuration;

namespace Homeserver.Cli;

/// <summary>
/// <c>register-user</c>: creates an account on a running homeserver through Synapse's shared-secret admin
/// registration (<c>/_synapse/admin/v1/register</c>), like Synapse's <c>register_new_matrix_user</c>.
/// The secret comes from <c>--shared-secret</c> or the config's <c>registration_shared_secret</c>.
/// </summary>
public static class RegisterUserCommand
{
    public const string DefaultUrl = "http://localhost:8008";

    public const string Usage = """
        Usage: Homeserver register-user -u NAME [-p PASSWORD] [--admin] [--url URL]
                                        [--shared-secret SECRET | --config PATH]
          -u, --user NAME          Localpart of the new user.
          -p, --password PASSWORD  Its password (read from standard input when not given).
          --admin                  Make the user a server admin.
          --url URL                The homeserver's client URL (default http://localhost:8008).
          --shared-secret SECRET   The registration_shared_secret (default: read from the config).
          -c, --config PATH        Config file holding registration_shared_secret.
        """;

    /// <param name="handler">Sends the HTTP requests; null for a normal network client (tests pass the test server's).</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, IDictionary environment, TextReader stdin, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler = null)
    {
        if (args.Any(arg => arg is "-h" or "--help"))
        {
            stdout.WriteLine(Usage);
            return 0;
        }
        var options = Parse(args, out var parseError);
        if (options is null)
        {
            stderr.WriteLine($"error: {parseError}");
            stderr.WriteLine(Usage);
            return 2;
        }
        try
        {
            var secret = options.SharedSecret ?? SecretFromConfig(options.ConfigPath, environment);
            var password = options.Password ?? stdin.ReadLine();
            if (string.IsNullOrEmpty(password))
            {
                stderr.WriteLine("error: no password given (-p, or a line on standard input)");
                return 2;
            }
            using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            client.BaseAddress = new Uri(options.Url.TrimEnd('/') + "/");
            client.Timeout = TimeSpan.FromSeconds(30);

            using var nonceResponse = await client.GetAsync(SharedSecretRegistrationApi.Path.TrimStart('/'));
            var nonceBody = await ReadObjectAsync(nonceResponse);
            if (!nonceResponse.IsSuccessStatusCode || nonceBody?["nonce"]?.GetValue<string>() is not { } nonce)
                return Fail(stderr, "could not get a registration nonce", nonceResponse, nonceBody);

            var mac = SharedSecretRegistration.ComputeMac(secret, nonce, options.User, password, options.Admin);
            var request = new JsonObject
            {
                ["nonce"] = nonce,
                ["username"] = options.User,
                ["password"] = password,
                ["admin"] = options.Admin,
                ["mac"] = Convert.ToHexStringLower(mac),
            };
            using var registerResponse = await client.PostAsJsonAsync(SharedSecretRegistrationApi.Path.TrimStart('/'), request);
            var registerBody = await ReadObjectAsync(registerResponse);
            if (!registerResponse.IsSuccessStatusCode || registerBody?["user_id"]?.GetValue<string>() is not { } userId)
                return Fail(stderr, "registration failed", registerResponse, registerBody);
            // The access token in the answer is not printed: it would end up in shell histories and logs.
            stdout.WriteLine($"Registered {userId}{(options.Admin ? " (admin)" : "")}");
            return 0;
        }
        catch (ConfigException e)
        {
            foreach (var error in e.Errors) stderr.WriteLine($"config error: {error}");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            stderr.WriteLine($"error: cannot reach {options.Url}: {e.Message}");
            return 1;
        }
    }

    private sealed record Options(string User, string? Password, bool Admin, string Url, string? SharedSecret, string? ConfigPath);

    private static Options? Parse(IReadOnlyList<string> args, out string error)
    {
        string? user = null, password = null, sharedSecret = null, config = null;
        var url = DefaultUrl;
        var admin = false;
        error = "";
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=');
            var name = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[..equals] : arg;
            string? Value()
            {
                if (name != arg) return arg[(equals + 1)..];
                return i + 1 < args.Count ? args[++i] : null;
            }
            switch (name)
            {
                case "-u" or "--user":
                    user = Value();
                    break;
                case "-p" or "--password":
                    password = Value();
                    break;
                case "--admin":
                    admin = true;
                    break;
                case "--no-admin":
                    admin = false;
                    break;
                case "--url":
                    url = Value() ?? "";
                    break;
                case "--shared-secret":
                    sharedSecret = Value();
                    break;
                case "-c" or "--config":
                    config = Value();
                    break;
                default:
                    error = $"unknown option '{arg}'";
                    return null;
            }
        }
        if (string.IsNullOrEmpty(user))
            error = "register-user needs -u NAME";
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            error = $"--url must be an http or https URL, not '{url}'";
        else if (sharedSecret is { Length: 0 })
            error = "--shared-secret must not be empty";
        else
            return new Options(user, password, admin, url, sharedSecret, config);
        return null;
    }

    private static string SecretFromConfig(string? configPath, IDictionary environment)
    {
        var location = ConfigLocation.Resolve(new CommandLine(CommandKind.RegisterUser, ConfigPath: configPath), environment);
        if (!File.Exists(location.Path))
            throw new ConfigException($"no config at {location.Path}: pass --shared-secret SECRET, or --config PATH");
        return ConfigLoader.Load(location.Path, environment).Config.RegistrationSharedSecret
            ?? throw new ConfigException($"{location.Path} sets no registration_shared_secret; pass --shared-secret SECRET");
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpResponseMessage response)
    {
        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static int Fail(TextWriter stderr, string what, HttpResponseMessage response, JsonObject? body)
    {
        var detail = body?["errcode"] is { } errcode ? $"{errcode}: {body["error"]}" : $"HTTP {(int)response.StatusCode}";
        stderr.WriteLine($"error: {what} ({detail})");
        return 1;
    }
}
