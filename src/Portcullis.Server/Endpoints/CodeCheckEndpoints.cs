using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Users;
using Portcullis.Server.Http;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// pre-check-code (docs/wire-contract.md, "Codes"): whether a code sent by send-sms or send-email is right, without spending it.
/// It is a code oracle, so it counts like the check that spends: a wrong code takes one of the code's five tries and one of the
/// recipient's consecutive failures. It never looks at accounts, so the answer says nothing about who holds the address.
/// </summary>
public static class CodeCheckEndpoints
{
    public static IEndpointRouteBuilder MapCodeCheckEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v3").WithTags("Codes")
            .MapPost("/pre-check-code", PreCheckCodeAsync)
            .WithSummary("Whether a code is right for its recipient and channel, without spending it; wrong codes count towards the same limits as a real check.")
            .Requires(CallerCredentials.App).Produces<ApiResponse<PreCheckCodeDataDto>>();
        return routes;
    }

    private static async Task<IResult> PreCheckCodeAsync(HttpContext context, [FromBody] PreCheckCodeDto dto, AppResolver resolver, PassCodeService codes,
        IPhoneNumbers phones)
    {
        var app = await resolver.ResolveAsync(context);
        if (!app.Succeeded)
        {
            return Envelope.Fail(context, app.Error!);
        }

        var target = ReadTarget(dto, phones);
        if (!target.Succeeded)
        {
            return Envelope.Fail(context, target.Error!);
        }

        var (channel, recipient, code) = target.Value;
        var refused = await codes.VerifyAsync(app.Value.PoolId, channel, recipient, code, context.RequestAborted, spend: false);
        return refused switch
        {
            null => Envelope.Ok(context, new PreCheckCodeDataDto { IsValid = true }),
            { Kind: ErrorKind.WrongCode } => Envelope.Ok(context, new PreCheckCodeDataDto
            {
                IsValid = false,
                Message = Envelope.Build(context, ErrorCatalogue.For(ErrorKind.WrongCode), null).Message,
            }),
            _ => Envelope.Fail(context, refused), // the recipient is locked: say so rather than "not valid"
        };
    }

    private sealed record CodeTarget(string Channel, string Recipient, string Code);

    /// <summary>The channel, the recipient as send-sms / send-email record it (E.164, normalised address), and the code.</summary>
    private static Result<CodeTarget> ReadTarget(PreCheckCodeDto dto, IPhoneNumbers phones)
    {
        switch (dto.CodeType)
        {
            case "SMS":
            {
                if (dto.SmsCodePayload is not { } sms)
                {
                    return Result<CodeTarget>.Fail(ErrorKind.InvalidArgument, "smsCodePayload");
                }

                if (sms.Channel is null || !Channels.Sms.Contains(sms.Channel))
                {
                    return Result<CodeTarget>.Fail(ErrorKind.InvalidChannel, sms.Channel ?? "(missing)");
                }

                if (string.IsNullOrEmpty(sms.PassCode))
                {
                    return Result<CodeTarget>.Fail(ErrorKind.InvalidArgument, "smsCodePayload.passCode");
                }

                var phone = phones.Normalise(sms.PhoneCountryCode, sms.Phone);
                return phone.Succeeded
                    ? Result<CodeTarget>.Ok(new(sms.Channel, phone.Value.E164, sms.PassCode))
                    : Result<CodeTarget>.Fail(ErrorKind.InvalidArgument, "smsCodePayload." + (phone.Error!.Detail == "phoneNumber" ? "phone" : phone.Error.Detail));
            }

            case "EMAIL":
            {
                if (dto.EmailCodePayload is not { } email)
                {
                    return Result<CodeTarget>.Fail(ErrorKind.InvalidArgument, "emailCodePayload");
                }

                if (email.Channel is null || !Channels.Email.Contains(email.Channel))
                {
                    return Result<CodeTarget>.Fail(ErrorKind.InvalidChannel, email.Channel ?? "(missing)");
                }

                if (string.IsNullOrEmpty(email.PassCode))
                {
                    return Result<CodeTarget>.Fail(ErrorKind.InvalidArgument, "emailCodePayload.passCode");
                }

                return Normalise.Email(email.Email) is { } address
                    ? Result<CodeTarget>.Ok(new(email.Channel, address, email.PassCode))
                    : Result<CodeTarget>.Fail(ErrorKind.InvalidArgument, "emailCodePayload.email");
            }

            default:
                return Result<CodeTarget>.Fail(ErrorKind.InvalidArgument, "codeType: SMS or EMAIL");
        }
    }
}
