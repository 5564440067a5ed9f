using System.Net;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Adapters.Sms;

/// <summary>What the HTTP providers share: one attempt, and the transient/permanent rule for its failures.</summary>
internal static class SmsHttp
{
    /// <summary>Largest provider answer read (a provider's JSON is a few hundred bytes).</summary>
    public const int MaxResponseBytes = 64 * 1024;

    private const int MaxProviderMessageLength = 300;

    /// <summary>5xx, 429 Too Many Requests and 408 Request Timeout are worth another attempt; any other refusal is not.</summary>
    public static bool IsTransient(HttpStatusCode status) => (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    /// <summary>
    /// Sends once. Connection errors and the client's timeout become transient <see cref="MessageDeliveryException"/>s; the
    /// caller's own cancellation (shutdown) propagates as it is.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, string provider, string messageId, CancellationToken ct)
    {
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new MessageDeliveryException($"SMS {messageId} via {provider}: no answer within {client.Timeout.TotalSeconds:0} s.", isTransient: true, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new MessageDeliveryException($"SMS {messageId} via {provider}: the request failed ({ex.HttpRequestError}).", isTransient: true, ex);
        }
    }

    /// <summary>A provider's own words, fit for an exception message and a log: nothing secret, nothing personal, not too long.</summary>
    public static string Scrub(string? text, params string?[] secrets)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var scrubbed = text.ReplaceLineEndings(" ").Trim();
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s) && s.Length >= 4).OrderByDescending(s => s!.Length))
        {
            scrubbed = scrubbed.Replace(secret!, "[redacted]", StringComparison.Ordinal);
        }

        return scrubbed.Length <= MaxProviderMessageLength ? scrubbed : scrubbed[..MaxProviderMessageLength] + "…";
    }
}
