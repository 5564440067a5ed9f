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

        var refused = await SendToPhoneAsync(context, codes, phones, app.Value.PoolId, dto.PhoneCountryCode, dto.PhoneNumber, dto.Channel);
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

        var refused = await SendToAddressAsync(context, codes, app.Value.PoolId, dto.Email, dto.Channel);
        return refused is null ? Envelope.Ok(context) : Envelope.Fail(context, refused);
    }

    /// <summary>A code for <paramref name="channel"/> to the number the request names (checked, normalised): null once sent, else why not.</summary>
    internal static async Task<Error?> SendToPhoneAsync(HttpContext context, PassCodeService codes, IPhoneNumbers phones, string poolId,
        string? countryCode, string? number, string channel)
    {
        var phone = phones.Normalise(countryCode, number);
        if (!phone.Succeeded)
        {
            return phone.Error!;
        }

        var to = phone.Value;
        return await codes.SendAsync(poolId, MessageKind.Sms, to.E164, to.CountryCode, to.National, channel, context.Language(),
            context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
    }

    /// <summary>A code for <paramref name="channel"/> to the address the request names (normalised): null once sent, else why not.</summary>
    internal static async Task<Error?> SendToAddressAsync(HttpContext context, PassCodeService codes, string poolId, string? address, string channel) =>
        Normalise.Email(address) is { } email
            ? await codes.SendAsync(poolId, MessageKind.Email, email, null, null, channel, context.Language(),
                context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted)
            : new Error(ErrorKind.InvalidArgument, "email");
}
