using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Users;
using Portcullis.Server.Http;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// send-sms and send-email (docs/wire-contract.md, "Codes"): codes for sign-up, sign-in and the other channels, usable before sign-in. The answer
/// is the same whether or not an account uses the recipient, so these endpoints reveal nothing about who is registered.
/// </summary>
public static class CodeEndpoints
{
    public static IEndpointRouteBuilder MapCodeEndpoints(this IEndpointRouteBuilder routes)
    {
        // Hourly budgets and the daily SMS cap answer HTTP 429 with Retry-After (docs/wire-contract.md, "Status codes").
        var group = routes.MapGroup("/api/v3").WithTags("Codes");
        group.MapPost("/send-sms", SendSmsAsync).WithSummary("Send a 6-digit code by SMS (valid 5 minutes, one per number per minute).")
            .Requires(CallerCredentials.App).Produces<ApiResponse>().Produces<ApiResponse>(StatusCodes.Status429TooManyRequests);
        group.MapPost("/send-email", SendEmailAsync).WithSummary("Send a 6-digit code by email (valid 5 minutes, one per address per minute).")
            .Requires(CallerCredentials.App).Produces<ApiResponse>().Produces<ApiResponse>(StatusCodes.Status429TooManyRequests);
        return routes;
    }

    private static async Task<IResult> SendSmsAsync(HttpContext context, [FromBody] SendSmsDto dto, AppResolver resolver, PassCodeService codes, IPhoneNumbers phones)
    {
        var app = await resolver.ResolveAsync(context);
        if (!app.Succeeded)
        {
            return Envelope.Fail(context, app.Error!);
        }

        if (dto.Channel is null || !Channels.Sms.Contains(dto.Channel))
        {
            return Envelope.Fail(context, ErrorKind.InvalidChannel, dto.Channel ?? "(missing)");
        }

        var phone = phones.Normalise(dto.PhoneCountryCode, dto.PhoneNumber);
        if (!phone.Succeeded)
        {
            return Envelope.Fail(context, phone.Error!);
        }

        var to = phone.Value;
        var refused = await codes.SendAsync(app.Value.PoolId, MessageKind.Sms, to.E164, to.CountryCode, to.National, dto.Channel, context.Language(),
            context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        return refused is null ? Envelope.Ok(context) : Envelope.Fail(context, refused);
    }

    private static async Task<IResult> SendEmailAsync(HttpContext context, [FromBody] SendEmailDto dto, AppResolver resolver, PassCodeService codes)
    {
        var app = await resolver.ResolveAsync(context);
        if (!app.Succeeded)
        {
            return Envelope.Fail(context, app.Error!);
        }

        if (dto.Channel is null || !Channels.Email.Contains(dto.Channel))
        {
            return Envelope.Fail(context, ErrorKind.InvalidChannel, dto.Channel ?? "(missing)");
        }

        if (Normalise.Email(dto.Email) is not { } email)
        {
            return Envelope.Fail(context, ErrorKind.InvalidArgument, "email");
        }

        var refused = await codes.SendAsync(app.Value.PoolId, MessageKind.Email, email, null, null, dto.Channel, context.Language(),
            context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        return refused is null ? Envelope.Ok(context) : Envelope.Fail(context, refused);
    }
}
