namespace Homeserver.Configuration;

/// <summary>A configuration read from <see cref="Path"/>, with the warnings (such as unknown keys) found while reading it.</summary>
public sealed record LoadedConfig(HomeserverConfig Config, string Path, IReadOnlyList<string> Warnings);
