namespace Homeserver.Cli;

public static class Usage
{
    public const string Text = """
        Usage: Homeserver [command] [options]

        Commands:
          run (default)        Run the homeserver. On first start, when no config exists, writes
                               <data-dir>/homeserver.yaml (server_name localhost) and a signing key.
          generate-config      Write a new config and signing key: --server-name NAME [--data-dir D]
          generate-keys        Write a new ed25519 signing key to --output FILE (- for standard output),
                               or to the config's signing_key_path when --output is not given.
          register-user ...    Create an account on a running server with the shared registration
                               secret: -u NAME [-p PASSWORD] [--admin] [--url URL]
                               [--shared-secret SECRET | --config PATH].
          debug <command> ...  Debugging tools; 'debug help' lists them.
          routes               Write the server's route table as JSON to --output FILE (default:
                               standard output), set up as run would be; tools/spec-coverage reads it.
          help                 Show this text.

        Options:
          -c, --config PATH    Config file (default: $HOMESERVER_CONFIG, else <data-dir>/homeserver.yaml).
          --data-dir DIR       Folder for the generated config, key and database
                               (default: $HOMESERVER_DATA_DIR, else ./data).
          --server-name NAME   Server name for generate-config.
          -o, --output FILE    Key file for generate-keys, route table file for routes.
          -h, --help           Show this text.

        Environment variables HOMESERVER__SECTION__KEY override config keys, for example
        HOMESERVER__SERVER_NAME=example.org or HOMESERVER__LISTENERS__0__PORT=8448.
        """;
}
