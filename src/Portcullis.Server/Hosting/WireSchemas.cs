using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Contracts.Oidc;
using Portcullis.Core.Passwords;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Otp;
using Portcullis.Core.Users;
using Portcullis.Server.Endpoints;
using Portcullis.Server.Http;

namespace Portcullis.Server.Hosting;

/// <summary>What the OpenAPI document says of one field of a wire type; every value comes from the rule the server applies.</summary>
public sealed record FieldRule(
    string? Description = null, IReadOnlyCollection<string>? Values = null, int? MinLength = null, int? MaxLength = null,
    string? Pattern = null, bool Required = false);

/// <summary>
/// The schemas of the wire types as the server reads and writes them: allowed values (connection, factorType, channel,
/// grant_type), length limits the server enforces, code shapes, the envelope's always-present fields, and the enrollment
/// token's lifetime as configured.
/// </summary>
public sealed class WireSchemas : IOpenApiSchemaTransformer
{
    /// <summary>The length of the codes Core draws for SMS and email (sign-up, sign-in, binding a factor).</summary>
    private const int PassCodeDigits = Codes.NumericCodeDigits;

    private static readonly string[] EnvelopeFields = ["statusCode", "message", "requestId"];

    /// <summary>
    /// Request bodies that work as they are once the placeholders are replaced: the request Scalar builds starts from these,
    /// not from a body of nulls.
    /// </summary>
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(SignUpDto)] = """{"connection":"PASSWORD","passwordPayload":{"email":"ada@example.com","password":"correct horse battery"}}""",
        [typeof(SignInDto)] = """
            {"connection":"PASSWORD","passwordPayload":{"email":"ada@example.com","password":"correct horse battery"},
             "options":{"scope":"openid profile email offline_access"},"client_id":"YOUR_APP_ID","client_secret":"YOUR_APP_SECRET"}
            """,
        [typeof(SendSmsDto)] = """{"phoneNumber":"18812345678","phoneCountryCode":"+86","channel":"CHANNEL_LOGIN"}""",
        [typeof(SendEmailDto)] = """{"email":"ada@example.com","channel":"CHANNEL_LOGIN"}""",
        [typeof(SendEnrollFactorRequestDto)] = """{"factorType":"OTP","profile":{}}""",
        [typeof(EnrollFactorDto)] = """{"factorType":"OTP","enrollmentToken":"ENROLLMENT_TOKEN","enrollmentData":{"passCode":"123456"}}""",
        [typeof(ResetFactorDto)] = """{"factorId":"FACTOR_ID"}""",
        [typeof(MfaOtpVerifyDto)] = """{"totp":"123456"}""",
        [typeof(TokenRequestForm)] = """{"grant_type":"client_credentials","client_secret":"YOUR_APP_SECRET"}""",
        [typeof(TokenLookupForm)] = """{"token":"ACCESS_OR_REFRESH_TOKEN","client_secret":"YOUR_APP_SECRET"}""",
    };

    private readonly Dictionary<(Type Type, string Property), FieldRule> _rules;

    public WireSchemas(IOptions<MfaOptions> mfa, FactorTypeCatalog factorCatalog)
    {
        var options = mfa.Value;
        string[] connections = [Connections.Password, Connections.PassCode];
        var factorTypes = factorCatalog.Types.Select(t => t.ToWire()).ToArray();
        var factorType = new FactorRule(factorTypes);
        var password = new FieldRule(MinLength: PasswordPolicy.MinLength, MaxLength: PasswordPolicy.MaxLength);
        var profileName = new FieldRule(MaxLength: ProfileService.MaxNameLength);
        var passCode = new FieldRule($"The {PassCodeDigits}-digit code that was sent (valid {options.CodeLifetimeMinutes} minutes, single use).",
            Pattern: Digits(PassCodeDigits));
        var countryCode = new FieldRule($"The country calling code, such as +86 (the default: {options.DefaultPhoneCountryCode}).");
        var enrollmentToken = new FieldRule($"Opaque, from send-enroll-factor-request: valid {options.EnrollmentTokenLifetimeSeconds} seconds, "
            + $"for this user, application, factor type and recipient only; it takes at most {options.MaxAttemptsPerEnrollmentToken} codes "
            + "and binds once.");
        _rules = new()
        {
            [(typeof(SignUpDto), nameof(SignUpDto.Connection))] = new("PASSWORD: `passwordPayload`. PASSCODE: `passCodePayload`, with a code "
                + "send-sms or send-email sent for CHANNEL_REGISTER.", connections, Required: true),
            [(typeof(SignUpPasswordPayload), nameof(SignUpPasswordPayload.Password))] = password,
            [(typeof(SignUpOptions), nameof(SignUpOptions.PasswordForPhonePassCode))] = password with
            {
                Description = "A password for the account a PASSCODE sign-up creates; checked before the code is spent.",
            },
            [(typeof(SignInDto), nameof(SignInDto.Connection))] = new("PASSWORD: `passwordPayload` (the first of email, username, phone "
                + "and account that is present). PASSCODE: `passCodePayload`, with a code sent for CHANNEL_LOGIN.", connections, Required: true),
            [(typeof(SignInDto), nameof(SignInDto.ClientId))] = new("client_secret_post: the appId (or send the Basic header instead)."),
            [(typeof(SignInDto), nameof(SignInDto.ClientSecret))] = new("client_secret_post: the appSecret."),
            [(typeof(SignInOptions), nameof(SignInOptions.Scope))] = new($"Space-separated; the default is `{AccountEndpoints.DefaultScope}`. "
                + "`offline_access` adds a refresh token.", MaxLength: AccountEndpoints.MaxScopeLength),
            [(typeof(PassCodePayload), nameof(PassCodePayload.PassCode))] = passCode,
            [(typeof(PassCodePayload), nameof(PassCodePayload.PhoneCountryCode))] = countryCode,
            [(typeof(SendSmsDto), nameof(SendSmsDto.PhoneNumber))] = new(Required: true),
            [(typeof(SendSmsDto), nameof(SendSmsDto.PhoneCountryCode))] = countryCode,
            [(typeof(SendSmsDto), nameof(SendSmsDto.Channel))] = new("What the code is for; it is good for that channel only.", [.. Channels.Sms], Required: true),
            [(typeof(SendEmailDto), nameof(SendEmailDto.Email))] = new(Required: true),
            [(typeof(SendEmailDto), nameof(SendEmailDto.Channel))] = new("What the code is for; it is good for that channel only.", [.. Channels.Email], Required: true),
            [(typeof(VerifyResetPasswordRequestDto), nameof(VerifyResetPasswordRequestDto.VerifyMethod))] = new(
                "EMAIL_PASSCODE: `emailPassCodePayload`. PHONE_PASSCODE: `phonePassCodePayload`. The code was sent on CHANNEL_RESET_PASSWORD.",
                [VerifyMethods.EmailPassCode, VerifyMethods.PhonePassCode], Required: true),
            [(typeof(ResetEmailPassCodePayload), nameof(ResetEmailPassCodePayload.PassCode))] = passCode with { Required = true },
            [(typeof(ResetEmailPassCodePayload), nameof(ResetEmailPassCodePayload.Email))] = new(Required: true),
            [(typeof(ResetPhonePassCodePayload), nameof(ResetPhonePassCodePayload.PassCode))] = passCode with { Required = true },
            [(typeof(ResetPhonePassCodePayload), nameof(ResetPhonePassCodePayload.PhoneNumber))] = new(Required: true),
            [(typeof(ResetPhonePassCodePayload), nameof(ResetPhonePassCodePayload.PhoneCountryCode))] = countryCode,
            [(typeof(ResetPasswordDto), nameof(ResetPasswordDto.Password))] = password with { Required = true },
            [(typeof(ResetPasswordDto), nameof(ResetPasswordDto.PasswordResetToken))] = new(
                "From verify-reset-password-request: single use, valid the seconds it said.", Required: true),
            [(typeof(BindEmailDto), nameof(BindEmailDto.PassCode))] = passCode with { Required = true },
            [(typeof(BindEmailDto), nameof(BindEmailDto.Email))] = new(Required: true),
            [(typeof(UnbindEmailDto), nameof(UnbindEmailDto.PassCode))] = passCode with { Required = true },
            [(typeof(BindPhoneDto), nameof(BindPhoneDto.PassCode))] = passCode with { Required = true },
            [(typeof(BindPhoneDto), nameof(BindPhoneDto.PhoneNumber))] = new(Required: true),
            [(typeof(BindPhoneDto), nameof(BindPhoneDto.PhoneCountryCode))] = countryCode,
            [(typeof(UnbindPhoneDto), nameof(UnbindPhoneDto.PassCode))] = passCode with { Required = true },
            [(typeof(VerifyUpdateEmailRequestDto), nameof(VerifyUpdateEmailRequestDto.VerifyMethod))] = new(Values: [VerifyMethods.EmailPassCode], Required: true),
            [(typeof(VerifyUpdateEmailRequestDto), nameof(VerifyUpdateEmailRequestDto.EmailPassCodePayload))] = new(Required: true),
            [(typeof(UpdateEmailPassCodePayload), nameof(UpdateEmailPassCodePayload.NewEmail))] = new(Required: true),
            [(typeof(UpdateEmailPassCodePayload), nameof(UpdateEmailPassCodePayload.NewEmailPassCode))] = passCode with { Required = true },
            [(typeof(UpdateEmailPassCodePayload), nameof(UpdateEmailPassCodePayload.OldEmailPassCode))] = passCode with
            {
                Description = "The code sent to the account's current address: always required by Portcullis.", Required = true,
            },
            [(typeof(VerifyUpdatePhoneRequestDto), nameof(VerifyUpdatePhoneRequestDto.VerifyMethod))] = new(Values: [VerifyMethods.PhonePassCode], Required: true),
            [(typeof(VerifyUpdatePhoneRequestDto), nameof(VerifyUpdatePhoneRequestDto.PhonePassCodePayload))] = new(Required: true),
            [(typeof(UpdatePhonePassCodePayload), nameof(UpdatePhonePassCodePayload.NewPhoneNumber))] = new(Required: true),
            [(typeof(UpdatePhonePassCodePayload), nameof(UpdatePhonePassCodePayload.NewPhonePassCode))] = passCode with { Required = true },
            [(typeof(UpdatePhonePassCodePayload), nameof(UpdatePhonePassCodePayload.NewPhoneCountryCode))] = countryCode,
            [(typeof(UpdatePhonePassCodePayload), nameof(UpdatePhonePassCodePayload.OldPhonePassCode))] = passCode with
            {
                Description = "The code sent to the account's current number: always required by Portcullis.", Required = true,
            },
            [(typeof(UpdatePhonePassCodePayload), nameof(UpdatePhonePassCodePayload.OldPhoneCountryCode))] = countryCode,
            [(typeof(UpdateEmailDto), nameof(UpdateEmailDto.UpdateEmailToken))] = new("From verify-update-email-request; single use.", Required: true),
            [(typeof(UpdatePhoneDto), nameof(UpdatePhoneDto.UpdatePhoneToken))] = new("From verify-update-phone-request; single use.", Required: true),
            [(typeof(PreCheckCodeDto), nameof(PreCheckCodeDto.CodeType))] = new(Values: ["SMS", "EMAIL"], Required: true),
            [(typeof(PreCheckSmsCodePayload), nameof(PreCheckSmsCodePayload.Phone))] = new(Required: true),
            [(typeof(PreCheckSmsCodePayload), nameof(PreCheckSmsCodePayload.PassCode))] = passCode with { Required = true },
            [(typeof(PreCheckSmsCodePayload), nameof(PreCheckSmsCodePayload.PhoneCountryCode))] = countryCode,
            [(typeof(PreCheckSmsCodePayload), nameof(PreCheckSmsCodePayload.Channel))] = new("The channel the code was sent for.", [.. Channels.Sms], Required: true),
            [(typeof(PreCheckEmailCodePayload), nameof(PreCheckEmailCodePayload.Email))] = new(Required: true),
            [(typeof(PreCheckEmailCodePayload), nameof(PreCheckEmailCodePayload.PassCode))] = passCode with { Required = true },
            [(typeof(PreCheckEmailCodePayload), nameof(PreCheckEmailCodePayload.Channel))] = new("The channel the code was sent for.", [.. Channels.Email], Required: true),
            [(typeof(SendEnrollFactorRequestDto), nameof(SendEnrollFactorRequestDto.FactorType))] = factorType.Required(),
            [(typeof(SendEnrollFactorRequestDto), nameof(SendEnrollFactorRequestDto.Profile))] = new(
                "SMS: `phoneNumber` and `phoneCountryCode`. EMAIL: `email`. OTP and FACE: `{}`."),
            [(typeof(FactorProfile), nameof(FactorProfile.PhoneCountryCode))] = countryCode,
            [(typeof(SendEnrollFactorRequestDataDto), nameof(SendEnrollFactorRequestDataDto.EnrollmentToken))] = enrollmentToken,
            [(typeof(SendEnrollFactorRequestDataDto), nameof(SendEnrollFactorRequestDataDto.OtpData))] = new(
                "OTP only. The secret is in `qrCodeUri` (`secret=`), in this answer only; the recovery code is shown once."),
            [(typeof(EnrollFactorDto), nameof(EnrollFactorDto.FactorType))] = factorType.Required(),
            [(typeof(EnrollFactorDto), nameof(EnrollFactorDto.EnrollmentToken))] = enrollmentToken with { Required = true },
            [(typeof(EnrollFactorDto), nameof(EnrollFactorDto.EnrollmentData))] = new(Required: true),
            [(typeof(EnrollFactorEnrollmentDataDto), nameof(EnrollFactorEnrollmentDataDto.PassCode))] = new(
                $"SMS and EMAIL: the {PassCodeDigits}-digit code that was sent. OTP: the authenticator's current {TotpVerifier.Digits}-digit code "
                + $"(±1 step of {TotpVerifier.PeriodSeconds} s); that step is then spent, so mfa-totp-verify refuses the same code.",
                Pattern: Digits(Math.Min(PassCodeDigits, TotpVerifier.Digits), Math.Max(PassCodeDigits, TotpVerifier.Digits))),
            [(typeof(EnrollFactorEnrollmentDataDto), nameof(EnrollFactorEnrollmentDataDto.Photo))] = new(
                "FACE: the key upload-face-photo answered, or with `isExternalPhoto` an https link to the image."),
            [(typeof(FactorDto), nameof(FactorDto.FactorType))] = factorType.Rule,
            [(typeof(FactorTypeDto), nameof(FactorTypeDto.FactorType))] = factorType.Rule,
            [(typeof(ResetFactorDto), nameof(ResetFactorDto.FactorId))] = new("From list-enrolled-factors.", Required: true),
            [(typeof(MfaOtpVerifyDto), nameof(MfaOtpVerifyDto.Totp))] = new(
                $"The authenticator's current {TotpVerifier.Digits}-digit code (±1 step of {TotpVerifier.PeriodSeconds} s). Each step is "
                + "accepted once per factor, so the code that bound the factor, or that was just verified, is refused until the next step.",
                Pattern: Digits(TotpVerifier.Digits), Required: true),
            [(typeof(TokenRequestForm), nameof(TokenRequestForm.GrantType))] = OAuth(null, GrantTypes.All, required: true),
            [(typeof(TokenRequestForm), nameof(TokenRequestForm.RefreshToken))] = OAuth("refresh_token grant: the refresh token (rotated at every use)."),
            [(typeof(TokenRequestForm), nameof(TokenRequestForm.Scope))] = OAuth("refresh_token grant: may only narrow the granted scope."),
            [(typeof(TokenLookupForm), nameof(TokenLookupForm.Token))] = OAuth("An access or refresh token.", required: true),
            [(typeof(OAuthClientForm), nameof(OAuthClientForm.ClientId))] = OAuth("client_secret_post and none: the appId."),
            [(typeof(OAuthClientForm), nameof(OAuthClientForm.ClientSecret))] = OAuth("client_secret_post: the appSecret (never in the query)."),
            [(typeof(UserInfoForm), nameof(UserInfoForm.AccessToken))] = OAuth("The access token, when it is not in `authorization`."),
            [(typeof(OAuthErrorResponse), nameof(OAuthErrorResponse.Error))] = new("The RFC 6749 §5.2 error code (docs/errors.md).", Required: true),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Name))] = profileName,
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Nickname))] = profileName,
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.GivenName))] = profileName,
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.FamilyName))] = profileName,
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Country))] = profileName,
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Province))] = profileName,
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.City))] = profileName,
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Company))] = profileName,
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.ExternalId))] = new(
                "The application's id for the user elsewhere (not unique).", MaxLength: ProfileService.MaxExternalIdLength),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Address))] = new(MaxLength: ProfileService.MaxAddressLength),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.StreetAddress))] = new(MaxLength: ProfileService.MaxAddressLength),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.PostalCode))] = new(MaxLength: ProfileService.MaxPostalCodeLength),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Photo))] = new(
                "An absolute https URL of the user's picture (never fetched by the server).", MaxLength: ProfileService.MaxPhotoLength),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Birthdate))] = new(
                $"yyyy-MM-dd, a real date from {ProfileService.MinBirthYear} to today.", Pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Gender))] = new(Values: ["M", "F", "U"]),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.Username))] = new(
                "Unique in the pool; cleared (\"\") only while the account has an email or a phone."),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.IdentityNumber))] = new("Refused: Portcullis stores no identity number."),
            [(typeof(UpdateUserProfileDto), nameof(UpdateUserProfileDto.CustomData))] = new("Only `{}`: Portcullis has no custom fields."),
            [(typeof(VerifyDeleteAccountRequestDto), nameof(VerifyDeleteAccountRequestDto.VerifyMethod))] = new(
                "EMAIL_PASSCODE or PHONE_PASSCODE: a CHANNEL_DELETE_ACCOUNT code to the account's own email or phone. PASSWORD: its password "
                + "(counted like a sign-in).", [VerifyMethods.EmailPassCode, VerifyMethods.PhonePassCode, VerifyMethods.Password], Required: true),
            [(typeof(DeleteAccountByEmailDto), nameof(DeleteAccountByEmailDto.PassCode))] = passCode with { Required = true },
            [(typeof(DeleteAccountByPhoneDto), nameof(DeleteAccountByPhoneDto.PassCode))] = passCode with { Required = true },
            [(typeof(DeleteAccountByPhoneDto), nameof(DeleteAccountByPhoneDto.PhoneNumber))] = new(Required: true),
            [(typeof(DeleteAccountByPhoneDto), nameof(DeleteAccountByPhoneDto.PhoneCountryCode))] = countryCode,
            [(typeof(DeleteAccountByPasswordDto), nameof(DeleteAccountByPasswordDto.Password))] = new(Required: true),
            [(typeof(DeleteAccountDto), nameof(DeleteAccountDto.DeleteAccountToken))] = new(
                "From verify-delete-account-request: single use, valid the seconds it said, for this user only.", Required: true),
        };
    }

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var property = context.JsonPropertyInfo;

        // Strings are read by a converter of the server's own (it refuses NUL), which hides their type from the schema generator.
        if (type == typeof(string) && schema.Type is null)
        {
            schema.Type = property?.IsGetNullable == true ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        // Numbers are written as numbers; that the binder also reads digits in a string is leniency, not the contract.
        if (schema.Type is { } kinds && (kinds & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && kinds.HasFlag(JsonSchemaType.String))
        {
            schema.Type = kinds & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (property is null)
        {
            DescribeObject(schema, context);
        }
        else if ((property.AttributeProvider as MemberInfo)?.Name is { } name && _rules.TryGetValue((property.DeclaringType, name), out var rule))
        {
            Apply(rule, schema);
        }

        return Task.CompletedTask;
    }

    private void DescribeObject(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [System.Text.Json.Nodes.JsonNode.Parse(example)!];
        }

        var required = context.JsonTypeInfo.Properties
            .Where(p => (p.AttributeProvider as MemberInfo)?.Name is { } name && _rules.TryGetValue((p.DeclaringType, name), out var rule) && rule.Required)
            .Select(p => p.Name);
        if (typeof(ApiResponse).IsAssignableFrom(context.JsonTypeInfo.Type))
        {
            required = required.Concat(EnvelopeFields);
            Describe(schema, "statusCode", "200 on success; otherwise the error's status (docs/errors.md), also when the HTTP status is 200.");
            Describe(schema, "apiCode", "Only on failures: the error's segmented code (docs/errors.md).");
            Describe(schema, "requestId", "Also in the `x-request-id` header and the server's log lines.");
        }

        foreach (var name in required)
        {
            schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
            schema.Required.Add(name);
        }
    }

    private static void Describe(OpenApiSchema schema, string property, string description)
    {
        if (schema.Properties?.TryGetValue(property, out var field) == true && field is OpenApiSchema inline)
        {
            inline.Description ??= description;
        }
    }

    private static void Apply(FieldRule rule, OpenApiSchema schema)
    {
        schema.Description = rule.Description ?? schema.Description;
        if (rule.Values is { } values)
        {
            // A value outside the list is refused, and so is null (a missing value), so the field is a plain string.
            schema.Type = JsonSchemaType.String;
            schema.Enum = [.. values.Select(OpenApiDescription.JsonValue)];
        }

        schema.MinLength = rule.MinLength ?? schema.MinLength;
        schema.MaxLength = rule.MaxLength ?? schema.MaxLength;
        schema.Pattern = rule.Pattern ?? schema.Pattern;
    }

    private static string Digits(int count) => $"^[0-9]{{{count}}}$";

    private static string Digits(int min, int max) => min == max ? Digits(min) : $"^[0-9]{{{min},{max}}}$";

    /// <summary>An OAuth parameter: the server refuses a value over <see cref="OAuthRequest.MaxValueLength"/> characters.</summary>
    private static FieldRule OAuth(string? description, IReadOnlyCollection<string>? values = null, bool required = false) =>
        new(description, values, MaxLength: OAuthRequest.MaxValueLength, Required: required);

    private sealed record FactorRule(string[] Types)
    {
        public FieldRule Rule => new("OTP (an authenticator app), SMS, EMAIL or FACE, exactly so.", Types);

        public FieldRule Required() => Rule with { Required = true };
    }
}
