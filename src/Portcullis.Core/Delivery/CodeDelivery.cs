using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Delivery;

/// <summary>A code to send: to whom, on which channel, and who asked (for the budgets).</summary>
public sealed record DeliveryRequest(
    MessageKind Kind,
    string Recipient,
    string? PhoneCountryCode,
    string? PhoneNumber,
    string Channel,
    string Code,
    string Language,
    string? UserId,
    string? ClientIp);

/// <summary>
/// Every code goes out through here: the abuse limits (country lists, one per recipient per minute whatever the channel, hourly budgets
/// per IP and per user or recipient, the daily SMS cap), then the code record and its message committed together, then an
/// inline send whose failure the caller hears about (the code is not spent: the minute is given back).
/// </summary>
public sealed class CodeDelivery(
    IOutboxStore outbox,
    ISendThrottleStore throttle,
    IRateCounterStore counters,
    IMessageDispatcher dispatcher,
    DeliveryChannels channels,
    ISecretProtector protector,
    IOptions<DeliveryOptions> options,
    IOptions<MfaOptions> mfa,
    TimeProvider clock,
    ILogger<CodeDelivery> logger)
{
    public async Task<Error?> DeliverAsync(DeliveryRequest request, CodeRecord codeRecord, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();

        if (!channels.IsConfigured(request.Kind))
        {
            return new Error(ErrorKind.ChannelNotConfigured, request.Kind == MessageKind.Sms ? "SMS" : "email");
        }

        if (request.Kind == MessageKind.Sms && !SmsCountryAllowed(request.PhoneCountryCode ?? "", o))
        {
            return new Error(ErrorKind.SmsCountryRefused, request.PhoneCountryCode);
        }

        // Per recipient whatever the channel: asking on ten channels at once must not send ten texts (SMS pumping).
        var throttleKey = $"{request.Kind}:{request.Recipient}";
        if (await throttle.TryAcquireAsync(throttleKey, TimeSpan.FromSeconds(mfa.Value.SendIntervalSeconds), now, ct) is { } wait)
        {
            return new Error(ErrorKind.SendThrottled, Seconds(wait));
        }

        if (await ConsumeBudgetsAsync(request, now, ct) is { } overBudget)
        {
            await throttle.ReleaseAsync(throttleKey, now, ct);
            return overBudget;
        }

        var message = new OutboxMessage
        {
            Id = Ids.NewId(),
            Kind = request.Kind,
            Recipient = request.Recipient,
            PhoneCountryCode = request.PhoneCountryCode,
            PhoneNumber = request.PhoneNumber,
            Channel = request.Channel,
            Language = request.Language,
            ProtectedCode = protector.Protect(request.Code),
            LifetimeMinutes = mfa.Value.CodeLifetimeMinutes,
            Status = OutboxStatus.Pending,
            CreatedAt = now,

            // Leased to this request: the background dispatcher takes it over only if this process dies before sending.
            NextAttemptAt = o.InlineDispatch ? clock.GetUtcNow() + o.Lease : now,
            LeaseToken = o.InlineDispatch ? Ids.NewId() : null,
        };
        await outbox.AddAsync(message, codeRecord, ct);

        if (!o.InlineDispatch)
        {
            return null;
        }

        // From the commit on, the send and its outcome are not the request's to cancel: a client that hangs up mid-send would
        // leave unrecorded a message the provider may already have taken, for the dispatcher to send again once the lease
        // runs out. The send's own time limits bound this work instead (README.md, "Inline send").
        var outcome = await dispatcher.DispatchNowAsync(message, CancellationToken.None);
        if (outcome == DispatchOutcome.Sent)
        {
            return null;
        }

        logger.LogWarning("Code message {MessageId} could not be sent: {Outcome}", message.Id, outcome);
        await throttle.ReleaseAsync(throttleKey, now, CancellationToken.None);
        return new Error(outcome == DispatchOutcome.PermanentFailure ? ErrorKind.DeliveryRefused : ErrorKind.DeliveryFailed);
    }

    private async Task<Error?> ConsumeBudgetsAsync(DeliveryRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var o = options.Value;
        var hourEnd = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        var hour = hourEnd.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);
        if (request.ClientIp is { } ip && !await counters.TryConsumeAsync($"ip:{ip}:{hour}", o.PerIpPerHour, hourEnd, ct))
        {
            return new Error(ErrorKind.RateLimited, Seconds(hourEnd - now));
        }

        var who = request.UserId is { } user ? $"user:{user}" : $"to:{request.Recipient}";
        if (!await counters.TryConsumeAsync($"{who}:{hour}", o.PerUserPerHour, hourEnd, ct))
        {
            return new Error(ErrorKind.RateLimited, Seconds(hourEnd - now));
        }

        if (request.Kind == MessageKind.Sms)
        {
            var dayEnd = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
            if (!await counters.TryConsumeAsync($"sms-day:{dayEnd:yyyyMMdd}", o.SmsPerDay, dayEnd, ct))
            {
                logger.LogWarning("The daily SMS cap of {Cap} is reached", o.SmsPerDay);
                return new Error(ErrorKind.RateLimited, Seconds(dayEnd - now));
            }
        }

        return null;
    }

    public static bool SmsCountryAllowed(string countryCode, DeliveryOptions o) =>
        !o.SmsDeniedCountryCodes.Contains(countryCode) && (o.SmsAllowedCountryCodes.Count == 0 || o.SmsAllowedCountryCodes.Contains(countryCode));

    private static string Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
