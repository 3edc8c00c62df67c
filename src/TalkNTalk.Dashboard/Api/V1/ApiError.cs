using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using TalkNTalk.Core.Common;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>The one error shape of the API: <c>{"error": code, "detail": text}</c>, plus <c>fields</c> for validation.</summary>
public static class ApiError
{
    // Answers are application/json, never HTML: "+03:00" and "é" are written as they are, not as \u002B and \u00E9,
    // so what curl prints reads as the documents show it.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Result(int status, string error, string detail, IReadOnlyDictionary<string, string>? fields = null) =>
        Results.Json(new ErrorBody(error, detail, fields), Json, statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string error, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(error, detail, null), Json);
    }

    /// <summary>
    /// The body of an error the API's own code did not write: no such path (404), a path that does not take the method
    /// (405), a request the framework could not read (400, 413, 415…). Every <c>/v1</c> answer is in the one shape.
    /// </summary>
    public static Task WriteStatusCodePageAsync(StatusCodeContext pages)
    {
        var context = pages.HttpContext;
        var request = context.Request;
        var path = request.Path.Value is { Length: > 120 } tooLong ? tooLong[..117] + "…" : request.Path.Value;
        var status = context.Response.StatusCode;
        var allowed = status is 404 or 405 ? context.RequestServices.GetRequiredService<ApiRouteTable>().MethodsAt(request.Path) : [];
        if (allowed.Count > 0 && !allowed.Contains(request.Method, StringComparer.OrdinalIgnoreCase))
        {
            status = context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = string.Join(", ", allowed);
        }
        var (error, detail) = status switch
        {
            404 => ("not_found", $"There is no {request.Method} {path} in this API: see /openapi/v1.json for every endpoint."),
            405 => ("method_not_allowed", $"{path} does not accept {request.Method}" + (allowed.Count > 0 ? $"; use {string.Join(" or ", allowed)}." : ".")),
            401 => (UnauthorizedCode.Of(context), ApiKeyAuthenticationHandler.NotProvided),
            403 => ("permission_denied", ApiKeyAuthenticationHandler.Forbidden),
            413 => ("invalid_request", "The request body is too large."),
            415 => ("invalid_request", "Send the body as JSON, with Content-Type: application/json."),
            429 => ("rate_limit_exceeded", "Too many requests: retry after the time in Retry-After."),
            >= 500 => ("server_error", ServerError(context)),
            _ => ("invalid_request", $"The request could not be read ({status} {ReasonPhrases.GetReasonPhrase(status)}): check the path, the query and the body."),
        };
        return WriteAsync(context, status, error, detail);
    }

    /// <summary>An exception no endpoint caught: a request Kestrel refused to read is the client's (400, 413), anything else is 500.</summary>
    public static Task WriteExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        return exception is BadHttpRequestException bad
            ? WriteAsync(context, bad.StatusCode, "invalid_request", bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The request body is too large."
                : "The request could not be read: check its headers and body.")
            : WriteAsync(context, StatusCodes.Status500InternalServerError, "server_error", ServerError(context));
    }

    private static string ServerError(HttpContext context) =>
        $"The server could not finish this request. Before repeating a send, check whether its campaign exists; if this keeps happening, quote reference {context.TraceIdentifier}.";

    /// <summary>A domain refusal as an API error: not found is 404, the rest are 400 with the field named.</summary>
    public static IResult From(DomainException e) => e.Code switch
    {
        "not_found" => Result(StatusCodes.Status404NotFound, "not_found", e.Message),
        _ => Result(StatusCodes.Status400BadRequest, e.Code, e.Message, e.Field is null ? null : new Dictionary<string, string> { [e.Field] = e.Message }),
    };

    /// <summary>
    /// A rule refused a well-formed request (a name already taken, an address the contact lacks): 422 with the domain's
    /// code, and its field as the API spells it.
    /// </summary>
    public static IResult Refused(DomainException e) =>
        Result(StatusCodes.Status422UnprocessableEntity, e.Code, e.Message,
            e.Field is null ? null : new Dictionary<string, string> { [ApiJson.SnakeCase(e.Field)] = e.Message });

    private sealed record ErrorBody(string Error, string Detail, IReadOnlyDictionary<string, string>? Fields)
    {
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyDictionary<string, string>? Fields { get; init; } = Fields;
    }
}
