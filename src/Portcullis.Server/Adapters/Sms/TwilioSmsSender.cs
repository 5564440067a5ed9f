using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Adapters.Sms;

/// <summary>
/// Sends through the Twilio Messages REST API: <c>POST {BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>, form fields
/// <c>To</c>, <c>From</c> or <c>MessagingServiceSid</c>, <c>Body</c>, HTTP Basic auth AccountSid:AuthToken. Success is 201 with the
/// message resource (its <c>sid</c>); an error answers <c>{code, message, more_info, status}</c>, and Twilio's code goes into the
/// exception. One attempt per call; the message id goes in <c>I-Twilio-Idempotency-Token</c> so a retry is not a second SMS.
/// </summary>
public sealed class TwilioSmsSender(IHttpClientFactory http, IOptions<SmsOptions> options, ILogger<TwilioSmsSender> logger) : ISmsSender
{
    public const string HttpClientName = "portcullis-sms-twilio";
    public const string IdempotencyHeader = "I-Twilio-Idempotency-Token";
    private const string Provider = "Twilio";

    public async Task SendAsync(SmsMessage message, CancellationToken ct)
    {
        var o = options.Value.Twilio;
        if (string.IsNullOrEmpty(o.AccountSid) || string.IsNullOrEmpty(o.AuthToken) || (string.IsNullOrEmpty(o.From) && string.IsNullOrEmpty(o.MessagingServiceSid)))
        {
            throw new MessageDeliveryException($"SMS {message.MessageId} via {Provider}: {SmsOptions.Section}:Twilio is not configured.", isTransient: false);
        }

        if (!PhoneNumberNormaliser.TryNormalise(message.PhoneCountryCode, message.PhoneNumber, out var to, out _))
        {
            throw new MessageDeliveryException($"SMS {message.MessageId} via {Provider}: not a valid phone number for country code {message.PhoneCountryCode}.", isTransient: false);
        }

        var url = $"{o.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(o.AccountSid)}/Messages.json";
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(
            [
                new("To", to),
                string.IsNullOrEmpty(o.From) ? new("MessagingServiceSid", o.MessagingServiceSid!) : new("From", o.From),
                new("Body", MessageTexts.Sms(message.Content)),
            ]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AccountSid}:{o.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add(IdempotencyHeader, message.MessageId);

        using var response = await SmsHttp.SendAsync(http.CreateClient(HttpClientName), request, Provider, message.MessageId, ct);
        var answer = await ReadAsync(response, ct);
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode && answer?.Sid is { Length: > 0 } sid)
        {
            logger.LogInformation("SMS {MessageId} on {Channel} accepted by Twilio as {TwilioSid} for {Phone}", message.MessageId, message.Content.Channel, sid, PhoneNumberNormaliser.Mask(to));
            return;
        }

        // Twilio's message can quote the number or the text: keep neither, nor any credential.
        string[] secrets = [o.AuthToken, message.Content.Code, to, to.TrimStart('+'), message.PhoneNumber];
        var transient = !response.IsSuccessStatusCode && SmsHttp.IsTransient(response.StatusCode);
        var detail = response.IsSuccessStatusCode
            ? "an answer without a message sid"
            : answer?.Code is { } code
                ? $"error {code}: {SmsHttp.Scrub(answer.Message, secrets)}{(answer.MoreInfo is { Length: > 0 } more ? $" ({SmsHttp.Scrub(more, secrets)})" : "")}"
                : "no Twilio error body";
        logger.LogWarning("SMS {MessageId} to {Phone}: Twilio answered HTTP {Status}, error {TwilioCode} (transient: {Transient})",
            message.MessageId, PhoneNumberNormaliser.Mask(to), status, answer?.Code, transient);
        throw new MessageDeliveryException($"SMS {message.MessageId} via {Provider}: HTTP {status}, {detail}.", transient);
    }

    private sealed record TwilioAnswer(string? Sid, int? Code, string? Message, string? MoreInfo);

    /// <summary>The parts of Twilio's JSON answer that matter, or null when it is not JSON.</summary>
    private static async Task<TwilioAnswer?> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            using var json = JsonDocument.Parse(bytes);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var root = json.RootElement;
            return new TwilioAnswer(
                String(root, "sid"),
                root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var code) ? code
                    : c.ValueKind == JsonValueKind.String && int.TryParse(c.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
                String(root, "message"),
                String(root, "more_info"));
        }
        catch (JsonException)
        {
            return null;
        }

        static string? String(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
