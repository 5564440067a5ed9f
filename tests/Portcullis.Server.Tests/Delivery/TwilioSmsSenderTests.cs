using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Sms;
using static Portcullis.Server.Tests.Delivery.SmsTestServices;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>The Twilio provider against a loopback server that speaks the documented Messages API request and answers.</summary>
public sealed class TwilioSmsSenderTests : IAsyncLifetime
{
    private const string MessagesPath = "/2010-04-01/Accounts/" + AccountSid + "/Messages.json";
    private SmsLoopbackServer _twilio = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _twilio = await SmsLoopbackServer.StartAsync(Ct);
        _twilio.Respond = _ => Created();
    }

    public ValueTask DisposeAsync() => _twilio.DisposeAsync();

    private ISmsSender Sender(bool useMessagingService = false, int timeoutSeconds = 5) =>
        Build(Twilio(_twilio.BaseUrl + "/", useMessagingService, timeoutSeconds)).GetRequiredService<ISmsSender>();

    /// <summary>Twilio's 201 answer: the message resource (abridged).</summary>
    private static LoopbackResponse Created(string sid = "SM0123456789abcdef0123456789abcdef") => new(201, $$"""
        {"account_sid":"{{AccountSid}}","api_version":"2010-04-01","body":"...","direction":"outbound-api","from":"{{From}}",
         "sid":"{{sid}}","status":"queued","to":"+8618812345678","uri":"/2010-04-01/Accounts/{{AccountSid}}/Messages/{{sid}}.json"}
        """);

    private static LoopbackResponse Error(int status, int code, string message) => new(status, $$"""
        {"code": {{code}}, "message": "{{message}}", "more_info": "https://www.twilio.com/docs/errors/{{code}}", "status": {{status}}}
        """);

    [Fact]
    public async Task Send_PostsTheMessagesResource_WithBasicAuthFormFieldsAndIdempotencyToken()
    {
        var message = Message(code: "731904");

        await Sender().SendAsync(message, Ct);

        var request = Assert.Single(_twilio.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(MessagesPath, request.Path);
        Assert.Equal("application/x-www-form-urlencoded", request.Header("Content-Type"));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Header("Authorization"));
        Assert.Equal(message.MessageId, request.Header("I-Twilio-Idempotency-Token"));
        Assert.Contains("application/json", request.Header("Accept"), StringComparison.Ordinal);

        var form = request.Form();
        Assert.Equal(["To", "From", "Body"], form.Keys);
        Assert.Equal("+8618812345678", form["To"]);
        Assert.Equal(From, form["From"]);
        Assert.Equal("731904 is your verification code. It expires in 5 minutes. Do not share it.", form["Body"]);
    }

    [Fact]
    public async Task Send_WithAMessagingService_SendsMessagingServiceSidInsteadOfFrom()
    {
        await Sender(useMessagingService: true).SendAsync(Message(language: "zh-CN", phone: "188-1234-5678"), Ct);

        var form = Assert.Single(_twilio.Requests).Form();
        Assert.Equal(MessagingServiceSid, form["MessagingServiceSid"]);
        Assert.False(form.ContainsKey("From"));
        Assert.Equal("+8618812345678", form["To"]);
        Assert.StartsWith("493817 是您的验证码", form["Body"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_InvalidToNumber_Answers400_IsPermanent_WithTwiliosCodeAndNoSecrets()
    {
        _twilio.Respond = _ => Error(400, 21211, "The 'To' number +8618812345678 is not a valid phone number.");

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(code: "493817"), Ct));

        Assert.False(failure.IsTransient, failure.Message);
        Assert.Contains("HTTP 400", failure.Message, StringComparison.Ordinal);
        Assert.Contains("21211", failure.Message, StringComparison.Ordinal);
        Assert.Contains("https://www.twilio.com/docs/errors/21211", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthToken, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("493817", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("18812345678", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WrongCredentials_Answers401_IsPermanent()
    {
        _twilio.Respond = _ => Error(401, 20003, "Authenticate");

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(), Ct));

        Assert.False(failure.IsTransient);
        Assert.Contains("20003", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthToken, failure.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, 20429, "Too Many Requests")]
    [InlineData(503, 20503, "Service Unavailable")]
    [InlineData(500, 20500, "Internal Server Error")]
    public async Task Send_TwilioThrottlesOrFails_IsTransient(int status, int code, string text)
    {
        _twilio.Respond = _ => Error(status, code, text);

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(), Ct));

        Assert.True(failure.IsTransient, failure.Message);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_GatewayAnswersHtml_IsStillClassifiedByStatus()
    {
        _twilio.Respond = _ => new LoopbackResponse(502, "<html>Bad Gateway</html>", "text/html");

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(), Ct));

        Assert.True(failure.IsTransient);
        Assert.Contains("HTTP 502", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_SuccessWithoutASid_IsPermanent()
    {
        _twilio.Respond = _ => new LoopbackResponse(201, "{\"status\":\"queued\"}");

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(), Ct));

        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task Send_TwilioTooSlow_TimesOutAsTransient()
    {
        _twilio.Respond = _ => Created() with { Delay = TimeSpan.FromSeconds(30) };

        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender(timeoutSeconds: 1).SendAsync(Message(), Ct));

        Assert.True(failure.IsTransient, failure.Message);
    }

    [Fact]
    public async Task Send_InvalidNumber_IsPermanent_AndTwilioIsNotCalled()
    {
        var failure = await Assert.ThrowsAsync<MessageDeliveryException>(() => Sender().SendAsync(Message(phone: "0000000000", countryCode: "+1"), Ct));

        Assert.False(failure.IsTransient);
        Assert.Empty(_twilio.Requests);
    }
}
