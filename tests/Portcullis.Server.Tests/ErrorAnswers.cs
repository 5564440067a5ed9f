using System.Text.Json;
using Portcullis.Contracts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Oidc;

namespace Portcullis.Server.Tests;

/// <summary>Reads an error answer in the format its path uses: the envelope under <c>/api</c>, OAuth JSON under <c>/oidc</c>.</summary>
public static class ErrorAnswers
{
    public static async Task<ApiResponse> ReadEnvelopeAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return JsonSerializer.Deserialize(text, PortcullisJsonContext.Default.ApiResponse)
            ?? throw new InvalidOperationException("Not an envelope: " + text);
    }

    /// <summary>An RFC 6749 §5.2 error: HTTP <paramref name="status"/>, JSON with the <paramref name="error"/> code and a description.</summary>
    public static async Task AssertOAuthErrorAsync(HttpResponseMessage response, int status, string error)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == status, $"Expected HTTP {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonSerializer.Deserialize(text, PortcullisJsonContext.Default.OAuthErrorResponse);
        Assert.True(answer?.Error == error, $"Expected error {error}, got: {text}");
        Assert.False(string.IsNullOrWhiteSpace(answer.ErrorDescription), "error_description missing: " + text);
        Assert.DoesNotContain("statusCode", text, StringComparison.Ordinal);
    }
}
