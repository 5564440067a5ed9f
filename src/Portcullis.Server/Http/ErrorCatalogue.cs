using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;

namespace Portcullis.Server.Http;

/// <summary>One catalogue entry: the envelope's statusCode and apiCode, and the message in English and Chinese.</summary>
public sealed record CatalogueEntry(int StatusCode, int ApiCode, string English, string Chinese);

/// <summary>
/// Every error the API answers, in one place (docs/errors.md is this table). Handlers never write messages themselves.
/// A <c>{0}</c> in a message is filled with the error's detail (a field name or rule, never a secret).
/// </summary>
public static class ErrorCatalogue
{
    public static CatalogueEntry For(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => new(400, ApiCodes.InvalidArgument, "Invalid argument: {0}", "参数 {0} 格式错误"),
        ErrorKind.UnsupportedConnection => new(400, ApiCodes.UnsupportedConnection, "Unsupported connection: {0}", "不支持的认证方式：{0}"),
        ErrorKind.WeakPassword => new(400, ApiCodes.WeakPassword, "The password must be {0} characters long", "密码长度必须为 {0} 个字符"),
        ErrorKind.AppNotFound => new(404, ApiCodes.AppNotFound, "Application not found", "应用不存在"),
        ErrorKind.ClientAuthenticationFailed => new(401, ApiCodes.ClientAuthenticationFailed, "Client authentication failed: {0}", "应用身份认证失败：{0}"),
        ErrorKind.BadCredentials => new(403, ApiCodes.BadCredentials, "Account not exists or password is incorrect.", "账号不存在或密码错误"),
        ErrorKind.UserAlreadyExists => new(409, ApiCodes.UserAlreadyExists, "User already exists", "用户已存在"),
        ErrorKind.UserNotFound => new(404, ApiCodes.UserNotFound, "User not found", "用户不存在"),
        ErrorKind.UserDisabled => new(403, ApiCodes.UserLocked, "The account is suspended", "账号已被禁用"),
        ErrorKind.NotLoggedIn => new(401, ApiCodes.NotLoggedIn, "Not logged in: the access token is missing, invalid, expired or revoked", "尚未登录，无访问权限"),
    };

    public static readonly CatalogueEntry MalformedJson = new(400, ApiCodes.MalformedRequest, "The request body is not valid JSON of the expected shape", "请求体不是合法的 JSON 或字段类型错误");
    public static readonly CatalogueEntry MalformedRequest = new(400, ApiCodes.MalformedRequest, "Malformed request", "请求格式错误");
    public static readonly CatalogueEntry PayloadTooLarge = new(413, ApiCodes.PayloadTooLarge, "The request body is too large", "请求体过大");
    public static readonly CatalogueEntry UnsupportedMediaType = new(415, ApiCodes.UnsupportedMediaType, "The request body must be application/json", "请求体必须为 application/json");
    public static readonly CatalogueEntry NotFound = new(404, ApiCodes.NotFound, "No such endpoint", "接口不存在");
    public static readonly CatalogueEntry MethodNotAllowed = new(405, ApiCodes.MethodNotAllowed, "Method not allowed", "请求方法不被允许");
    public static readonly CatalogueEntry Internal = new(500, ApiCodes.InternalError, "Internal server error", "服务器内部错误");

    public static readonly (string English, string Chinese) Success = ("Operation successful", "操作成功");
}
