namespace Homeserver.Cli;

/// <summary>Writes new files that hold secrets: never over an existing file, readable by the owner only.</summary>
public static class SecretFiles
{
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public static void WriteNew(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(text);
    }
}
