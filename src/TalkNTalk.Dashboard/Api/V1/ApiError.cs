using System.Text.Json;
using TalkNTalk.Core.Common;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>The one error shape of the API: <c>{"error": code, "detail": text}</c>, plus <c>fields</c> for validation.</summary>
public static class ApiError
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IResult Result(int status, string error, string detail, IReadOnlyDictionary<string, string>? fields = null) =>
        Results.Json(new ErrorBody(error, detail, fields), Json, statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string error, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(error, detail, null), Json);
    }

    /// <summary>A domain refusal as an API error: not found is 404, the rest are 400 with the field named.</summary>
    public static IResult From(DomainException e) => e.Code switch
    {
        "not_found" => Result(StatusCodes.Status404NotFound, "not_found", e.Message),
        _ => Result(StatusCodes.Status400BadRequest, e.Code, e.Message, e.Field is null ? null : new Dictionary<string, string> { [e.Field] = e.Message }),
    };

    private sealed record ErrorBody(string Error, string Detail, IReadOnlyDictionary<string, string>? Fields)
    {
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyDictionary<string, string>? Fields { get; init; } = Fields;
    }
}
