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

    public static IResult Fail(HttpContext context, Error error) => Fail(context, error, v2: false);

    /// <summary>
    /// GenAuth's V2 answers (the MFA sign-in routes): the same envelope with <c>code</c>, 200 on success and the apiCode on
    /// failure, which is all the JS SDK reads.
    /// </summary>
    public static IResult OkV2<T>(HttpContext context, T data)
    {
        var body = new ApiResponse<T> { Code = 200, StatusCode = 200, Message = SuccessMessage(context), RequestId = context.RequestId(), Data = data };
        return TypedResults.Json(body, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ApiResponse<T>>)PortcullisJsonContext.Default.GetTypeInfo(typeof(ApiResponse<T>))!);
    }

    public static IResult FailV2(HttpContext context, Error error) => Fail(context, error, v2: true);

    /// <summary>The 1636 answer to a first factor: no tokens, an mfaToken and what the client may ask for (docs/sign-in-mfa.md).</summary>
    public static IResult MfaRequired<T>(HttpContext context, T data)
    {
        var plain = Build(context, ErrorCatalogue.MfaRequired, null);
        var body = new ApiResponse<T> { Code = plain.ApiCode, StatusCode = plain.StatusCode, ApiCode = plain.ApiCode, Message = plain.Message, RequestId = plain.RequestId, Data = data };
        return TypedResults.Json(body, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ApiResponse<T>>)PortcullisJsonContext.Default.GetTypeInfo(typeof(ApiResponse<T>))!);
    }

    private static IResult Fail(HttpContext context, Error error, bool v2)
    {
        var entry = ErrorCatalogue.For(error.Kind);
        var body = Build(context, entry, error.Detail);
        body.Code = v2 ? body.ApiCode : null;
        var status = 200;
        if (entry.StatusCode == 429)
        {
            // Throttling is the one business answer off HTTP 200 (docs/wire-contract.md, "Status codes"): HTTP 429 with Retry-After.
            context.Response.Headers.RetryAfter = error.Detail ?? "60";
            status = 429;
        }

        return TypedResults.Json(body, PortcullisJsonContext.Default.ApiResponse, statusCode: status);
    }

    /// <summary>A business error that still carries a payload (e.g. <c>{verified: false}</c>).</summary>
    public static IResult Fail<T>(HttpContext context, Error error, T data)
    {
        var plain = Build(context, ErrorCatalogue.For(error.Kind), error.Detail);
        var body = new ApiResponse<T> { StatusCode = plain.StatusCode, ApiCode = plain.ApiCode, Message = plain.Message, RequestId = plain.RequestId, Data = data };
        return TypedResults.Json(body, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ApiResponse<T>>)PortcullisJsonContext.Default.GetTypeInfo(typeof(ApiResponse<T>))!);
    }

    public static IResult Fail(HttpContext context, ErrorKind kind, string? detail = null) => Fail(context, ErrorCatalogue.For(kind), detail);

    /// <summary>A catalogue error on HTTP 200 (a business answer).</summary>
    public static IResult Fail(HttpContext context, CatalogueEntry entry, string? detail = null) =>
        TypedResults.Json(Build(context, entry, detail), PortcullisJsonContext.Default.ApiResponse);

    public static ApiResponse Build(HttpContext context, CatalogueEntry entry, string? detail)
    {
        return new ApiResponse { StatusCode = entry.StatusCode, ApiCode = entry.ApiCode, Message = entry.Message(context.WantsChinese(), detail), RequestId = context.RequestId() };
    }

    private static string SuccessMessage(HttpContext context) =>
        context.WantsChinese() ? ErrorCatalogue.Success.Chinese : ErrorCatalogue.Success.English;
}
