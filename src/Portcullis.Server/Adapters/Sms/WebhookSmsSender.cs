using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Adapters.Sms;

/// <summary>
/// POSTs each text message as signed JSON to the operator's URL (see README.md beside this file for the format and how to
/// verify the signature). One attempt per call: 2xx is success, 5xx/429/408, timeouts and connection errors are transient,
/// any other answer is permanent.
/// </summary>
public sealed class WebhookSmsSender(IHttpClientFactory http, IOptions<SmsOptions> options, TimeProvider clock, ILogger<WebhookSmsSender> logger) : ISmsSender
{
    public const string HttpClientName = "portcullis-sms-webhook";
    private const string Provider = "webhook";

    public async Task SendAsync(SmsMessage message, CancellationToken ct)
    {
        var o = options.Value.Webhook;
        if (string.IsNullOrEmpty(o.Url) || string.IsNullOrEmpty(o.Secret))
        {
            throw new MessageDeliveryException($"SMS {message.MessageId} via {Provider}: {SmsOptions.Section}:Webhook is not configured.", isTransient: false);
        }

        if (!PhoneNumberNormaliser.TryNormalise(message.PhoneCountryCode, message.PhoneNumber, out var to, out _))
        {
            throw new MessageDeliveryException($"SMS {message.MessageId} via {Provider}: not a valid phone number for country code {message.PhoneCountryCode}.", isTransient: false);
        }

        var body = Payload(message, to);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(o.Secret, timestamp, body));
        request.Headers.Add("Idempotency-Key", message.MessageId);

        using var response = await SmsHttp.SendAsync(http.CreateClient(HttpClientName), request, Provider, message.MessageId, ct);
        if (response.IsSuccessStatusCode)
        {
            logger.LogInformation("SMS {MessageId} on {Channel} delivered to the webhook for {Phone}", message.MessageId, message.Content.Channel, PhoneNumberNormaliser.Mask(to));
            return;
        }

        var status = (int)response.StatusCode;
        var transient = SmsHttp.IsTransient(response.StatusCode);
        logger.LogWarning("SMS {MessageId} to {Phone}: the webhook answered HTTP {Status} (transient: {Transient})", message.MessageId, PhoneNumberNormaliser.Mask(to), status, transient);
        throw new MessageDeliveryException($"SMS {message.MessageId} via {Provider}: the receiver answered HTTP {status}.", transient);
    }

    /// <summary>The JSON body, exactly the bytes that are signed and sent.</summary>
    internal static byte[] Payload(SmsMessage message, string e164)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("to", e164);
            json.WriteString("phoneNumber", message.PhoneNumber);
            json.WriteString("phoneCountryCode", message.PhoneCountryCode);
            json.WriteString("text", MessageTexts.Sms(message.Content));
            json.WriteString("code", message.Content.Code);
            json.WriteString("channel", message.Content.Channel);
            json.WriteString("messageId", message.MessageId);
            json.WriteString("language", message.Content.Language);
            json.WriteNumber("lifetimeMinutes", message.Content.LifetimeMinutes);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

/// <summary>
/// The webhook signature: <c>x-portcullis-signature: sha256=</c> + lowercase hex of HMAC-SHA256(UTF-8 secret,
/// <c>timestamp + "." + body</c>), where timestamp is the <c>x-portcullis-timestamp</c> header (Unix seconds).
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "x-portcullis-timestamp";
    public const string SignatureHeader = "x-portcullis-signature";
    private const string Prefix = "sha256=";

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + 1 + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, signed);
        signed[written] = (byte)'.';
        body.CopyTo(signed.AsSpan(written + 1));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>What a .NET receiver does: the signature matches (constant time) and the timestamp is within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature, DateTimeOffset now, TimeSpan tolerance)
    {
        if (timestamp is null || signature is null
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var actual = Encoding.ASCII.GetBytes(signature.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
