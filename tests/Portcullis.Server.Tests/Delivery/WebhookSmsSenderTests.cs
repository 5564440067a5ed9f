using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Sms;
using static Portcullis.Server.Tests.Delivery.SmsTestServices;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>The webhook provider against a real HTTP server on loopback: request shape, signature, and the failure rule.</summary>
public sealed class WebhookSmsSenderTests : IAsyncLifetime
{
    private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private SmsLoopbackServer _receiver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _receiver = await SmsLoopbackServer.StartAsync(Ct);

    public ValueTask DisposeAsync() => _receiver.DisposeAsync();

    private ISmsSender Sender(int timeoutSeconds = 5) =>
        Build(Webhook(_receiver.BaseUrl + "/hooks/sms?tenant=a", _secret, timeoutSeconds)).GetRequiredService<ISmsSender>();

    [Fact]
    public async Task Send_PostsTheDocumentedJson_SignedWithTimestampAndIdempotencyKey()
    {
        var message = Message(code: "493817");

        await Sender().SendAsync(message, Ct);

        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/sms?tenant=a", request.Path);
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal(message.MessageId, request.Header("Idempotency-Key"));

        var timestamp = request.Header("x-portcullis-timestamp");
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        // Verified the way a receiver would, independently of the sender's code.
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.UTF8.GetBytes(timestamp + ".").Concat(request.Body).ToArray()));
        Assert.Equal(expected, request.Header("x-portcullis-signature"));
        Assert.True(WebhookSignature.Verify(_secret, timestamp, request.Body, request.Header("x-portcullis-signature"), Now.AddSeconds(30), TimeSpan.FromMinutes(5)));

        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("+8618812345678", root.GetProperty("to").GetString());
        Assert.Equal("18812345678", root.GetProperty("phoneNumber").GetString());
        Assert.Equal("+86", root.GetProperty("phoneCountryCode").GetString());
        Assert.Equal("493817", root.GetProperty("code").GetString());
        Assert.Equal("CHANNEL_BIND_MFA", root.GetProperty("channel").GetString());
        Assert.Equal(message.MessageId, root.GetProperty("messageId").GetString());
        Assert.StartsWith("493817 ", root.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("en", root.GetProperty("language").GetString());
        Assert.Equal(5, root.GetProperty("lifetimeMinutes").GetInt32());
    }

    [Fact]
    public async Task Send_ChineseText_IsSentInChinese_AndTheSignatureCoversTheExactBytes()
    {
        await Sender().SendAsync(Message(code: "250117", language: "zh-CN", phone: "188 1234-5678"), Ct);

        var request = Assert.Single(_receiver.Requests);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("250117 是您的验证码，5 分钟内有效。请勿告诉他人。", json.RootElement.GetProperty("text").GetString());
        Assert.Equal("+8618812345678", json.RootElement.GetProperty("to").GetString());
        var timestamp = request.Header("x-portcullis-timestamp");
        var signature = request.Header("x-portcullis-signature");
        Assert.True(WebhookSignature.Verify(_secret, timestamp, request.Body, signature, Now, TimeSpan.FromMinutes(5)));

        var tampered = request.Body.ToArray();
        tampered[^2] ^= 1;
        Assert.False(WebhookSignature.Verify(_secret, timestamp, tampered, signature, Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another-secret-another-secret-another", timestamp, request.Body, signature, Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(_secret, timestamp, request.Body, signature, Now.AddMinutes(6), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Send_Retried_KeepsTheIdempotencyKey_AndSignsEachAttemptAfresh()
    {
        var message = Message();
        var sender = Sender();

        await sender.SendAsync(message, Ct);
        await sender.SendAsync(message, Ct);

        Assert.Equal(2, _receiver.Requests.Count);
        Assert.All(_receiver.Requests, r => Assert.Equal(message.MessageId, r.Header("Idempotency-Key")));
        Assert.All(_receiver.Requests, r => Assert.True(WebhookSignature.Verify(_secret, r.Header("x-portcullis-timestamp"), r.Body, r.Header("x-portcullis-signature"), Now, TimeSpan.FromMinutes(5))));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(408)]
    public async Task Send_ReceiverFailsOrThrottles_IsTransient(int status)
    {
        _receiver.Respond = _ => new LoopbackResponse(status, "{\"error\":\"try later\"}");

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(), Ct));

        Assert.True(failure.IsTransient, failure.Message);
        Assert.Contains($"HTTP {status}", failure.Message, StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task Send_ReceiverRefuses_IsPermanent_AndTheMessageLeaksNothing(int status)
    {
        _receiver.Respond = _ => new LoopbackResponse(status, "{\"error\":\"code 493817 refused for +8618812345678\"}");

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(code: "493817"), Ct));

        Assert.False(failure.IsTransient, failure.Message);
        Assert.Contains($"HTTP {status}", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("493817", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("12345678", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_secret, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_RedirectIsNotFollowed_AndIsPermanent()
    {
        _receiver.Respond = r => r.Path.StartsWith("/elsewhere", StringComparison.Ordinal) ? new LoopbackResponse(200) : new LoopbackResponse(307, Location: _receiver.BaseUrl + "/elsewhere");

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(), Ct));

        Assert.False(failure.IsTransient);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task Send_ReceiverTooSlow_TimesOutAsTransient()
    {
        // The receiver would accept the message after 30 s: a send that waited for it would succeed instead of failing.
        _receiver.Respond = _ => new LoopbackResponse(200, Delay: TimeSpan.FromSeconds(30));

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender(timeoutSeconds: 1).SendAsync(Message(), Ct));

        Assert.True(failure.IsTransient, failure.Message);
        Assert.Contains("no answer within 1 s", failure.Message, StringComparison.Ordinal);
        // The client's timeout ended it (HttpClient reports one as a cancellation caused by a TimeoutException).
        Assert.IsType<TimeoutException>(Assert.IsType<TaskCanceledException>(failure.InnerException).InnerException);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task Send_NobodyListening_IsTransient()
    {
        var gone = await SmsLoopbackServer.StartAsync(Ct);
        var url = gone.BaseUrl + "/sms";
        await gone.DisposeAsync();
        var sender = Build(Webhook(url, _secret)).GetRequiredService<ISmsSender>();

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => sender.SendAsync(Message(), Ct));

        Assert.True(failure.IsTransient, failure.Message);
    }

    [Fact]
    public async Task Send_InvalidNumber_IsPermanent_AndNothingIsPosted()
    {
        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(phone: "12345"), Ct));

        Assert.False(failure.IsTransient);
        Assert.Empty(_receiver.Requests);
    }

    [Fact]
    public async Task Send_CallerCancels_PropagatesTheCancellation()
    {
        _receiver.Respond = _ => new LoopbackResponse(200, Delay: TimeSpan.FromSeconds(30));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sender().SendAsync(Message(), cancel.Token));
    }
}
