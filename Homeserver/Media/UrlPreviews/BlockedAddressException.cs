namespace Homeserver.Media.UrlPreviews;

/// <summary>A URL preview would have connected to an address the <see cref="PreviewAddressPolicy"/> refuses.</summary>
public sealed class BlockedAddressException(string host) : Exception($"'{host}' resolves only to blocked IP addresses.")
{
    public string Host { get; } = host;
}
