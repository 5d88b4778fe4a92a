namespace Homeserver.Media;

/// <summary>Sends a media file with the media security headers and the given content type and disposition.</summary>
public sealed class MediaFileResult(string filePath, string contentType, string contentDisposition, bool authenticated) : IResult
{
    public string FilePath => filePath;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        await using var stream = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = stream.Length;
        response.Headers.ContentDisposition = contentDisposition;
        MediaHeaders.ApplySecurityHeaders(response, authenticated);
        await stream.CopyToAsync(response.Body, httpContext.RequestAborted);
    }
}
