namespace Homeserver.Cli.Debug;

/// <summary>
/// The <c>--name value</c> options of a debug command. Unknown or repeated options and missing
/// values are errors, reported as <see cref="DebugCommandException"/>.
/// </summary>
internal sealed class DebugCommandArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public DebugCommandArgs(string[] args, params string[] allowed)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || !allowed.Contains(name[2..]))
                throw new DebugCommandException($"unknown option '{name}' (expected {string.Join(", ", allowed.Select(a => "--" + a))})");
            if (i + 1 >= args.Length) throw new DebugCommandException($"option '{name}' needs a value");
            if (!_values.TryAdd(name[2..], args[++i])) throw new DebugCommandException($"option '{name}' given twice");
        }
    }

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) => Optional(name) ?? throw new DebugCommandException($"option --{name} is required");
}

/// <summary>Bad input to a debug command: reported as one line on stderr.</summary>
internal sealed class DebugCommandException(string message) : Exception(message);
