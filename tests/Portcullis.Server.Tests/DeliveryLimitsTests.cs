using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>Server fixtures with small budgets, one per limit, so each test owns its counters.</summary>
public abstract class LimitedServer(params (string Key, string Value)[] settings) : TestServer
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value));

    public async Task<(HttpStatusCode Http, ApiResponse Envelope, string? RetryAfter)> SendAsync(string path, string json)
    {
        using var http = RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("x-authing-app-id", PostApp.AppId);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var envelope = System.Text.Json.JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), Contracts.PortcullisJsonContext.Default.ApiResponse)!;
        return (response.StatusCode, envelope, response.Headers.RetryAfter?.ToString());
    }

    public Task<(HttpStatusCode Http, ApiResponse Envelope, string? RetryAfter)> SendEmailAsync(string email) =>
        SendAsync("api/v3/send-email", $"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_LOGIN\"}}");

    public Task<(HttpStatusCode Http, ApiResponse Envelope, string? RetryAfter)> SendSmsAsync(string phone, string cc = "+86") =>
        SendAsync("api/v3/send-sms", $"{{\"phoneNumber\":\"{phone}\",\"phoneCountryCode\":\"{cc}\",\"channel\":\"CHANNEL_LOGIN\"}}");
}

public sealed class IpBudgetTests(IpBudgetTests.Server server) : IClassFixture<IpBudgetTests.Server>
{
    public sealed class Server() : LimitedServer(("Portcullis:Delivery:PerIpPerHour", "5"));

    [Fact]
    public async Task ParallelSendsFromOneIp_StopAtExactlyTheHourlyBudget_With429AndRetryAfter()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => server.SendEmailAsync(NewEmail())));

        Assert.Equal(5, answers.Count(a => a.Envelope.StatusCode == 200));
        var refused = answers.Where(a => a.Envelope.StatusCode != 200).ToList();
        Assert.Equal(7, refused.Count);
        Assert.All(refused, a =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, a.Http);
            AssertError(a.Envelope, 429, ApiCodes.RateLimited);
            Assert.True(int.Parse(a.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 3600);
        });

        server.Clock.Advance(TimeSpan.FromHours(1));
        AssertOk((await server.SendEmailAsync(NewEmail())).Envelope);
    }
}

public sealed class UserBudgetTests(UserBudgetTests.Server server) : IClassFixture<UserBudgetTests.Server>
{
    public sealed class Server() : LimitedServer(("Portcullis:Delivery:PerUserPerHour", "3"));

    [Fact]
    public async Task ASignedInUser_GetsThreeEnrollmentCodesAnHour_WhateverTheRecipients()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        for (var i = 0; i < 3; i++)
        {
            await StartEmailAsync(client, server, NewEmail());
        }

        var fourth = await client.SendEnrollFactorRequestAsync(new() { FactorType = "EMAIL", Profile = new() { Email = NewEmail() } }, TestContext.Current.CancellationToken);

        AssertError(fourth, 429, ApiCodes.RateLimited);
    }

    [Fact]
    public async Task BeforeSignIn_OneRecipientGetsThreeCodesAnHour_AcrossChannels()
    {
        var email = NewEmail();
        // A minute between sends (one per address per minute), all within one hour's window.
        var now = server.Clock.GetUtcNow();
        server.Clock.SetUtcNow(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 1, TimeSpan.Zero).AddHours(1));
        foreach (var channel in new[] { "CHANNEL_LOGIN", "CHANNEL_REGISTER", "CHANNEL_RESET_PASSWORD" })
        {
            AssertOk((await server.SendAsync("api/v3/send-email", $"{{\"email\":\"{email}\",\"channel\":\"{channel}\"}}")).Envelope);
            server.Clock.Advance(TimeSpan.FromSeconds(60));
        }

        var fourth = await server.SendAsync("api/v3/send-email", $"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_VERIFY_MFA\"}}");

        AssertError(fourth.Envelope, 429, ApiCodes.RateLimited);
    }
}

public sealed class SmsCapAndCountryTests(SmsCapAndCountryTests.Server server) : IClassFixture<SmsCapAndCountryTests.Server>
{
    public sealed class Server() : LimitedServer(
        ("Portcullis:Delivery:SmsPerDay", "3"),
        ("Portcullis:Delivery:SmsDeniedCountryCodes:0", "+7"),
        ("Portcullis:Delivery:PerIpPerHour", "1000"));

    [Fact]
    public async Task DeniedCountry_IsRefused_AndCostsNothing()
    {
        var refused = await server.SendSmsAsync("9161234567", "+7");

        AssertError(refused.Envelope, 400, ApiCodes.SmsCountryRefused);
        Assert.Null(server.Outbox.LastTo("+79161234567"));
    }

    [Fact]
    public async Task DailySmsCap_StopsSmsButNotEmail()
    {
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await server.SendSmsAsync(NewPhone())).Envelope);
        }

        Assert.Equal(3, answers.Count(a => a.StatusCode == 200));
        AssertError(answers[^1], 429, ApiCodes.RateLimited);
        AssertOk((await server.SendEmailAsync(NewEmail())).Envelope);
    }
}

public sealed class AllowListTests(AllowListTests.Server server) : IClassFixture<AllowListTests.Server>
{
    public sealed class Server() : LimitedServer(("Portcullis:Delivery:SmsAllowedCountryCodes:0", "+86"));

    [Fact]
    public async Task OnlyAllowedCountries_GetSms()
    {
        AssertOk((await server.SendSmsAsync(NewPhone(), "+86")).Envelope);
        AssertError((await server.SendSmsAsync("6502530000", "+1")).Envelope, 400, ApiCodes.SmsCountryRefused);
    }
}

/// <summary>A provider that fails: permanently for numbers ending in 0, transiently for numbers ending in 1.</summary>
public sealed class FailingSmsSender : ISmsSender
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task SendAsync(SmsMessage message, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        return message.PhoneNumber[^1] switch
        {
            '0' => throw new MessageDeliveryException("HTTP 400 from the provider", isTransient: false),
            '1' => throw new MessageDeliveryException("HTTP 503 from the provider", isTransient: true),
            _ => Task.CompletedTask,
        };
    }
}

public sealed class ProviderFailureTests(ProviderFailureTests.Server server) : IClassFixture<ProviderFailureTests.Server>
{
    public sealed class Server : LimitedServer
    {
        public FailingSmsSender Sender { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ISmsSender>(Sender);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PermanentRefusal_Answers602_TheMessageIsFailed_AndTheMinuteIsGivenBack()
    {
        var phone = "1380013800" + "0";

        var first = await server.SendSmsAsync(phone);
        var again = await server.SendSmsAsync(phone);

        AssertError(first.Envelope, 602, ApiCodes.DeliveryRefused);
        AssertError(again.Envelope, 602, ApiCodes.DeliveryRefused);
        await using var scope = server.Services.CreateAsyncScope();
        var failed = await scope.ServiceProvider.GetRequiredService<IOutboxStore>().ListRecentAsync(10, OutboxStatus.Failed, Ct);
        Assert.Contains(failed, m => m.Recipient == "+86" + phone && m.ProtectedCode is null && m.LastError!.Contains("permanent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TransientFailure_IsRetriedQuickly_ThenAnswers503()
    {
        var before = server.Sender.Calls;

        var answer = await server.SendSmsAsync("1380013800" + "1");

        AssertError(answer.Envelope, 503, ApiCodes.DeliveryFailed);
        Assert.Equal(3, server.Sender.Calls - before);
    }

    [Fact]
    public async Task EnrollmentWhoseSmsFailed_GivesNoToken()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var answer = await client.SendEnrollFactorRequestAsync(new() { FactorType = "SMS", Profile = new() { PhoneNumber = "13900139000" } }, Ct);

        AssertError(answer, 602, ApiCodes.DeliveryRefused);
        Assert.Null(answer.Data);
    }
}

public sealed class BackgroundDispatchTests(BackgroundDispatchTests.Server server) : IClassFixture<BackgroundDispatchTests.Server>
{
    public sealed class Server() : LimitedServer(("Portcullis:Delivery:InlineDispatch", "false"), ("Portcullis:Delivery:DispatcherIntervalMilliseconds", "100"));

    [Fact]
    public async Task WithoutInlineDispatch_TheBackgroundDispatcherSendsThePendingMessage()
    {
        var email = NewEmail();

        AssertOk((await server.SendEmailAsync(email)).Envelope);

        // The dispatcher hands the message to the provider, then records it as sent: wait for both, the second a moment later.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(server.Outbox.LastTo(email) is not null && await SentAsync(email) is not null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.NotNull(server.Outbox.LastTo(email));
        Assert.Equal(1, (await SentAsync(email))?.Attempts);
    }

    private async Task<OutboxMessage?> SentAsync(string email)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var sent = await scope.ServiceProvider.GetRequiredService<IOutboxStore>().ListRecentAsync(10, OutboxStatus.Sent, TestContext.Current.CancellationToken);
        return sent.FirstOrDefault(m => m.Recipient == email);
    }
}
