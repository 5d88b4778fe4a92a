using System.Security.Cryptography;
using System.Text;

namespace Homeserver.Media;

/// <summary>
/// The answer of the federation media endpoints: <c>multipart/mixed</c> with a random boundary, a first part of
/// JSON metadata (always <c>{}</c> for now) and a second part holding the file with its content type and disposition.
/// </summary>
public sealed class MultipartMediaResult(string filePath, string contentType, string contentDisposition) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var boundary = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await using var stream = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        var head = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Type: application/json\r\n\r\n{{}}\r\n" +
            $"--{boundary}\r\nContent-Type: {contentType}\r\nContent-Disposition: {contentDisposition}\r\n\r\n");
        var tail = Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n");

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = $"multipart/mixed; boundary={boundary}";
        response.ContentLength = head.Length + stream.Length + tail.Length;
        await response.Body.WriteAsync(head, httpContext.RequestAborted);
        await stream.CopyToAsync(response.Body, httpContext.RequestAborted);
        await response.Body.WriteAsync(tail, httpContext.RequestAborted);
    }
}
