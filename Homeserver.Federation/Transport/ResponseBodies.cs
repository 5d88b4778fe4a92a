namespace Homeserver.Federation.Transport;

/// <summary>Reads answer bodies from other servers without trusting their size.</summary>
internal static class ResponseBodies
{
    /// <summary>The body, or null when it is (or claims to be) longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadLimitedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes) return null;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
