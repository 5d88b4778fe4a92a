using System.Globalization;
using System.Text.Json;
using Homeserver.Federation.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Homeserver.Http;

/// <summary>
/// Writes every error as a Matrix standard error response: thrown <see cref="MatrixException"/>s,
/// ASP.NET's own failures (<see cref="BadHttpRequestException"/>: parameter binding, Kestrel's body size
/// limit), bodiless error statuses (no route: 404 <c>M_UNRECOGNIZED</c>; wrong method: 405
/// <c>M_UNRECOGNIZED</c>) and unexpected exceptions (logged, 500 <c>M_UNKNOWN</c> without internals).
/// </summary>
internal sealed class MatrixErrorMiddleware(RequestDelegate next, ILogger<MatrixErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        MatrixException error;
        try
        {
            await next(context);
            if (!IsBodilessError(context.Response))
                return;
            error = FromStatus(context);
            // Keep headers such as Allow (405) that the framework set with the status.
            await WriteAsync(context, error, clearResponse: false);
            return;
        }
        catch (MatrixException e)
        {
            error = e;
        }
        catch (UiaChallengeException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = UiaChallengeException.StatusCode;
            await context.Response.WriteAsJsonAsync(e.Body, context.RequestAborted);
            return;
        }
        catch (BadHttpRequestException e)
        {
            HttpLog.BadRequest(logger, context.Request.Method, context.Request.Path, e.Message);
            error = FromBadRequest(e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            HttpLog.RequestAborted(logger, context.Request.Method, context.Request.Path);
            return;
        }
        catch (Exception e)
        {
            HttpLog.UnhandledException(logger, e, context.Request.Method, context.Request.Path);
            error = MatrixException.Unknown(500, "Internal server error.");
        }

        if (context.Response.HasStarted)
        {
            // Too late for an error body: cut the connection so the client sees a failure, not a short answer.
            HttpLog.ErrorAfterResponseStarted(logger, error.ErrorCode, context.Request.Method, context.Request.Path);
            context.Abort();
            return;
        }
        await WriteAsync(context, error, clearResponse: true);
    }

    private static bool IsBodilessError(HttpResponse response) =>
        !response.HasStarted
        && response.StatusCode >= 400
        && response.ContentLength is null
        && string.IsNullOrEmpty(response.ContentType);

    private static MatrixException FromStatus(HttpContext context)
    {
        var status = context.Response.StatusCode;
        return status switch
        {
            405 => MatrixException.Unrecognized(405, "Method not allowed for this endpoint."),
            404 when context.GetEndpoint() is null => MatrixException.Unrecognized(404, "Unrecognized request."),
            404 => MatrixException.NotFound(),
            413 => MatrixException.TooLarge(),
            429 => new MatrixException(429, ErrorCodes.LimitExceeded, "Too many requests."),
            _ => MatrixException.Unknown(status, ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase + "." : "Error."),
        };
    }

    private static MatrixException FromBadRequest(BadHttpRequestException e) => e.StatusCode switch
    {
        413 => MatrixException.TooLarge(),
        415 => new MatrixException(415, ErrorCodes.NotJson, "Unsupported content type."),
        400 when e.InnerException is JsonException => MatrixException.NotJson("Request body is not valid JSON."),
        400 => MatrixException.InvalidParam("Invalid request parameter."),
        _ when e.StatusCode is >= 400 and <= 599 => MatrixException.Unknown(e.StatusCode, "Bad request."),
        _ => MatrixException.Unknown(400, "Bad request."),
    };

    private static async Task WriteAsync(HttpContext context, MatrixException error, bool clearResponse)
    {
        var response = context.Response;
        if (clearResponse)
            response.Clear();
        response.StatusCode = error.StatusCode;
        if (error.RetryAfter is { } retryAfter)
        {
            var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        await response.WriteAsJsonAsync(error.ToJson(), context.RequestAborted);
    }
}
