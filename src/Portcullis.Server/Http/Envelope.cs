using Portcullis.Contracts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;

namespace Portcullis.Server.Http;

/// <summary>
/// The one writer of GenAuth envelopes. Business outcomes travel with HTTP 200 (the SDKs throw on non-2xx and read
/// <c>statusCode</c>); only transport failures (malformed body, too large, no route, crash) carry an HTTP error status.
/// </summary>
public static class Envelope
{
    public static IResult Ok(HttpContext context) =>
        TypedResults.Json(new ApiResponse { StatusCode = 200, Message = SuccessMessage(context), RequestId = context.RequestId() },
            PortcullisJsonContext.Default.ApiResponse);

    public static IResult Ok<T>(HttpContext context, T data)
    {
        var body = new ApiResponse<T> { StatusCode = 200, Message = SuccessMessage(context), RequestId = context.RequestId(), Data = data };
        return TypedResults.Json(body, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ApiResponse<T>>)PortcullisJsonContext.Default.GetTypeInfo(typeof(ApiResponse<T>))!);
    }

    public static IResult Fail(HttpContext context, Error error)
    {
        var entry = ErrorCatalogue.For(error.Kind);
        if (entry.StatusCode != 429)
        {
            return Fail(context, entry, error.Detail);
        }

        // Throttling is the one business answer off HTTP 200 (docs/wire-contract.md, "Status codes"): HTTP 429 with Retry-After.
        context.Response.Headers.RetryAfter = error.Detail ?? "60";
        return Fail(context, entry, error.Detail, httpStatus: 429);
    }

    /// <summary>A business error that still carries a payload (e.g. <c>{verified: false}</c>).</summary>
    public static IResult Fail<T>(HttpContext context, Error error, T data)
    {
        var plain = Build(context, ErrorCatalogue.For(error.Kind), error.Detail);
        var body = new ApiResponse<T> { StatusCode = plain.StatusCode, ApiCode = plain.ApiCode, Message = plain.Message, RequestId = plain.RequestId, Data = data };
        return TypedResults.Json(body, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ApiResponse<T>>)PortcullisJsonContext.Default.GetTypeInfo(typeof(ApiResponse<T>))!);
    }

    public static IResult Fail(HttpContext context, ErrorKind kind, string? detail = null) => Fail(context, ErrorCatalogue.For(kind), detail);

    /// <summary>A catalogue error on HTTP 200 (business) or on <paramref name="httpStatus"/> (transport).</summary>
    public static IResult Fail(HttpContext context, CatalogueEntry entry, string? detail = null, int httpStatus = 200) =>
        TypedResults.Json(Build(context, entry, detail), PortcullisJsonContext.Default.ApiResponse, statusCode: httpStatus);

    public static ApiResponse Build(HttpContext context, CatalogueEntry entry, string? detail)
    {
        var template = context.WantsChinese() ? entry.Chinese : entry.English;
        var message = template.Contains("{0}", StringComparison.Ordinal)
            ? template.Replace("{0}", detail ?? "?", StringComparison.Ordinal)
            : template;
        return new ApiResponse { StatusCode = entry.StatusCode, ApiCode = entry.ApiCode, Message = message, RequestId = context.RequestId() };
    }

    private static string SuccessMessage(HttpContext context) =>
        context.WantsChinese() ? ErrorCatalogue.Success.Chinese : ErrorCatalogue.Success.English;
}
