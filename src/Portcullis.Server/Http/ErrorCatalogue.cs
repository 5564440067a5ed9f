using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;

namespace Portcullis.Server.Http;

/// <summary>One catalogue entry: the envelope's statusCode and apiCode, and the message in English and Chinese.</summary>
public sealed record CatalogueEntry(int StatusCode, int ApiCode, string English, string Chinese)
{
    /// <summary>The message in one language, its <c>{0}</c> filled with <paramref name="detail"/>.</summary>
    public string Message(bool chinese, string? detail)
    {
        var template = chinese ? Chinese : English;
        return template.Contains("{0}", StringComparison.Ordinal) ? template.Replace("{0}", detail ?? "?", StringComparison.Ordinal) : template;
    }
}

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
        ErrorKind.WrongPassword => new(403, ApiCodes.WrongPassword, "The current password is incorrect", "原密码错误"),
        ErrorKind.AppNotFound => new(404, ApiCodes.AppNotFound, "Application not found", "应用不存在"),
        ErrorKind.ClientAuthenticationFailed => new(401, ApiCodes.ClientAuthenticationFailed, "Client authentication failed: {0}", "应用身份认证失败：{0}"),
        ErrorKind.BadCredentials => new(403, ApiCodes.BadCredentials, "Account not exists or password is incorrect.", "账号不存在或密码错误"),
        ErrorKind.PasswordLocked => new(403, ApiCodes.LockedAfterFailedLogins, "Too many failed sign-in attempts: try again after {0}", "登录失败次数过多，请于 {0} 后重试"),
        ErrorKind.UserAlreadyExists => new(409, ApiCodes.UserAlreadyExists, "User already exists", "用户已存在"),
        ErrorKind.UserNotFound => new(404, ApiCodes.UserNotFound, "User not found", "用户不存在"),
        ErrorKind.UserDisabled => new(403, ApiCodes.UserLocked, "The account is suspended", "账号已被禁用"),
        ErrorKind.NotLoggedIn => new(401, ApiCodes.NotLoggedIn, "Not logged in: the access token is missing, invalid, expired or revoked", "尚未登录，无访问权限"),
        ErrorKind.EnrollmentTokenInvalid => new(400, ApiCodes.EnrollmentTokenInvalid, "The enrollmentToken is invalid or has already been used", "enrollmentToken 无效或已被使用"),
        ErrorKind.EnrollmentTokenExpired => new(400, ApiCodes.EnrollmentTokenExpired, "The enrollmentToken has expired: request a new one", "enrollmentToken 已过期，请重新发起绑定请求"),
        ErrorKind.EnrollmentTokenExhausted => new(403, ApiCodes.EnrollmentTokenExhausted, "Too many wrong codes for this enrollmentToken: request a new one", "验证码错误次数过多，请重新发起绑定请求"),
        ErrorKind.FactorTypeMismatch => new(400, ApiCodes.FactorTypeMismatch, "The enrollmentToken was issued for factor type {0}", "该 enrollmentToken 属于 {0} 类型的认证因素"),
        ErrorKind.WrongTotp => new(400, ApiCodes.WrongTotp, "Wrong security code, please try again", "安全码错误，请重新输入"),
        ErrorKind.WrongCode => new(400, ApiCodes.CodeWrong, "Wrong or expired verification code", "验证码错误或已过期"),
        ErrorKind.WrongRecoveryCode => new(400, ApiCodes.WrongRecoveryCode, "Wrong recovery code, please try again", "恢复代码错误，请重新输入"),
        ErrorKind.FactorAlreadyBound => new(409, ApiCodes.FactorAlreadyBound, "A {0} factor is already bound: reset it first", "已绑定 {0} 认证因素，请先解绑"),
        ErrorKind.FactorNotFound => new(404, ApiCodes.FactorNotFound, "Factor not found", "认证因素不存在"),
        ErrorKind.FactorNotAvailable => new(400, ApiCodes.FactorNotAvailable, "The {0} factor is not available for this application", "该应用未开启 {0} 认证因素"),
        ErrorKind.FactorLocked => new(403, ApiCodes.FactorLocked, "Too many failed attempts: locked until {0}", "失败次数过多，已锁定至 {0}"),
        ErrorKind.SendThrottled => new(422, ApiCodes.SendThrottled, "One code per recipient per minute: retry in {0} seconds", "每个接收方每分钟只能发送一次验证码，请 {0} 秒后重试"),
        ErrorKind.TotpNotBound => new(400, ApiCodes.TotpNotBound, "No OTP factor is bound", "尚未绑定 OTP 认证因素"),
        ErrorKind.DeliveryFailed => new(503, ApiCodes.DeliveryFailed, "The message could not be sent: try again later", "消息发送失败，请稍后重试"),
        ErrorKind.InvalidPhoto => new(400, ApiCodes.InvalidPhoto, "The photo is not a usable image: {0}", "照片不是可用的图片：{0}"),
        ErrorKind.FaceMismatch => new(400, ApiCodes.FaceMismatch, "The face does not match the enrolled one", "人脸比对不通过"),
        ErrorKind.PhotoRefused => new(400, ApiCodes.PhotoRefused, "The photo link was refused: {0}", "照片链接被拒绝：{0}"),
        ErrorKind.NoFaceFound => new(400, ApiCodes.NoFaceFound, "No face was found in the photo", "照片中未检测到人脸"),
        ErrorKind.MoreThanOneFace => new(400, ApiCodes.MoreThanOneFace, "The photo shows more than one face: it must show only yours", "照片中有多张人脸，请只拍摄您本人"),
        ErrorKind.SmsCountryRefused => new(400, ApiCodes.SmsCountryRefused, "Text messages to country code {0} are not allowed", "不支持向国家/地区代码 {0} 发送短信"),
        ErrorKind.ChannelNotConfigured => new(503, ApiCodes.ChannelNotConfigured, "No {0} provider is configured on this server: codes cannot be sent by {0}", "服务器未配置{0}服务商，无法通过{0}发送验证码"),
        ErrorKind.RateLimited => new(429, ApiCodes.RateLimited, "Too many requests: retry in {0} seconds", "您的请求已超过最大数量限制，请 {0} 秒后重试"),
        ErrorKind.DeliveryRefused => new(602, ApiCodes.DeliveryRefused, "The message provider refused the message", "消息服务商拒绝发送该消息"),
        ErrorKind.MfaTokenInvalid => new(401, ApiCodes.MfaTokenInvalid, "The mfaToken is invalid, expired or already used: sign in again", "mfaToken 无效或已过期，请重新登录"),
        ErrorKind.SecondFactorBound => new(403, ApiCodes.SecondFactorBound, "A factor is already bound: answer it to sign in, and bind more once signed in", "已绑定认证因素，请先完成二次认证，登录后再绑定其他因素"),
        ErrorKind.StepUpRequired => new(403, ApiCodes.StepUpRequired, "This change needs a sign-in that passed a second factor within the last {0} minutes: sign in again with one", "此操作需要 {0} 分钟内通过二次认证的登录，请重新登录并完成二次认证"),
        ErrorKind.NoFaceDescriber => new(400, ApiCodes.NoFaceDescriber, "No face recognition is installed on this server: FACE cannot be used", "服务器未安装人脸识别，无法使用人脸认证"),
        ErrorKind.InvalidChannel => new(400, ApiCodes.InvalidChannel, "Unknown channel: {0}", "不支持的验证码场景：{0}"),
        ErrorKind.CommonPassword => new(400, ApiCodes.WeakPassword, "This password is too common or has appeared in a data breach: choose another", "该密码过于常见或已在数据泄露中出现，请更换"),
        ErrorKind.TicketInvalid => new(400, ApiCodes.TicketInvalid, "The token is invalid, expired or already used: verify again", "令牌无效、已过期或已被使用，请重新验证"),
        ErrorKind.ContactAlreadyBound => new(422, ApiCodes.ContactAlreadyBound, "The account already has its {0} bound: change it with update-{0}", "已绑定{0}，请通过 update-{0} 修改"),
        ErrorKind.ContactNotBound => new(422, ApiCodes.ContactNotBound, "No {0} is bound to this account", "该账号未绑定{0}"),
        ErrorKind.LastSignInMethod => new(422, ApiCodes.LastSignInMethod, "This is the account's last way to sign in: bind another first", "这是账号唯一的登录方式，请先绑定其他登录方式"),
        ErrorKind.EmailTaken => new(409, ApiCodes.UserAlreadyExists, "This email is already used by another account", "该邮箱已被其他账号使用"),
        ErrorKind.PhoneTaken => new(409, ApiCodes.PhoneTaken, "This phone number is already used by another account", "该手机号已被其他账号绑定"),
        ErrorKind.SameContact => new(400, ApiCodes.SameContact, "The new {0} is the one already bound", "新{0}与当前绑定的相同"),
        ErrorKind.UsernameTaken => new(409, ApiCodes.UserAlreadyExists, "This username is already used by another account", "该用户名已被其他账号使用"),
    };

    public static readonly CatalogueEntry MalformedJson = new(400, ApiCodes.MalformedRequest, "The request body is not valid JSON of the expected shape", "请求体不是合法的 JSON 或字段类型错误");
    public static readonly CatalogueEntry MalformedRequest = new(400, ApiCodes.MalformedRequest, "Malformed request", "请求格式错误");
    public static readonly CatalogueEntry PayloadTooLarge = new(413, ApiCodes.PayloadTooLarge, "The request body is too large", "请求体过大");
    public static readonly CatalogueEntry UnsupportedMediaType = new(415, ApiCodes.UnsupportedMediaType, "The request body must be application/json", "请求体必须为 application/json");
    public static readonly CatalogueEntry UnsupportedCharset = new(415, ApiCodes.UnsupportedMediaType, "A JSON request body must be UTF-8: charset=utf-8 or none", "JSON 请求体必须为 UTF-8 编码：charset=utf-8 或不指定");
    public static readonly CatalogueEntry NotFound = new(404, ApiCodes.NotFound, "No such endpoint", "接口不存在");
    public static readonly CatalogueEntry MethodNotAllowed = new(405, ApiCodes.MethodNotAllowed, "Method not allowed", "请求方法不被允许");
    public static readonly CatalogueEntry Internal = new(500, ApiCodes.InternalError, "Internal server error", "服务器内部错误");

    /// <summary>The 1636 answer: not an error, but no tokens yet (GenAuth's statusCode 301 with HTTP 200).</summary>
    public static readonly CatalogueEntry MfaRequired = new(301, ApiCodes.MfaRequired, "A second factor is required to sign in", "需要进行二次认证");

    public static readonly (string English, string Chinese) Success = ("Operation successful", "操作成功");
}
