using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Core.Delivery;
using Portcullis.Server.Adapters.Email;
using Portcullis.Server.Adapters.Sms;
using Portcullis.Server.Delivery;
using Portcullis.Server.Hosting;
using Portcullis.Storage;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>
/// The configured provider time limits mean what they say, and the lease on a message outlasts the worst-case send they allow:
/// a shorter configured lease stops the server at start, an unset one is derived from them.
/// </summary>
public sealed class SendTimeLimitsTests : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portcullis-send-limits-");
    private SmtpLoopbackServer _smtp = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _smtp = await SmtpLoopbackServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task SmtpAttempt_SlowerThanTheFormerTenSecondCap_RunsToTheConfiguredLimitAndIsSent()
    {
        var pipelineTime = new FakeTimeProvider();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        await using var node = await StartSmtpNodeAsync(clock, pipelineTime, smtpTimeoutSeconds: 30);
        var message = await node.AddDueMessageAsync(MessageKind.Email, "ada@example.com", clock.GetUtcNow());
        var (answering, answer) = HoldSmtpAnswer();

        var sweep = node.SweepAsync(Ct);
        await answering.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        pipelineTime.Advance(TimeSpan.FromSeconds(25));
        answer.SetResult();
        await sweep;

        var stored = await node.FindAsync(message.Id);
        Assert.Equal(OutboxStatus.Sent, stored.Status);
        Assert.Single(_smtp.Received);
    }

    [Fact]
    public async Task SmtpAttempt_PastTheConfiguredLimit_IsCutByThePipelineAsTransient()
    {
        // The sender's own limit runs on real time here; the pipeline's backstop (limit + grace) still ends the attempt.
        var pipelineTime = new FakeTimeProvider();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        await using var node = await StartSmtpNodeAsync(clock, pipelineTime, smtpTimeoutSeconds: 30);
        var message = await node.AddDueMessageAsync(MessageKind.Email, "ada@example.com", clock.GetUtcNow());
        var (answering, answer) = HoldSmtpAnswer();

        var sweep = node.SweepAsync(Ct);
        await answering.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        pipelineTime.Advance(TimeSpan.FromSeconds(30) + SendTimeLimits.Grace);
        await sweep;
        answer.SetResult();

        var stored = await node.FindAsync(message.Id);
        Assert.Equal(OutboxStatus.Pending, stored.Status);
        Assert.Equal(1, stored.Attempts);
        Assert.StartsWith("transient: ", stored.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(15, 10, 3 * 17 + 2 + 5)]
    [InlineData(60, 10, 3 * 62 + 2 + 5)]
    [InlineData(5, 40, 3 * 42 + 2 + 5)]
    public void Lease_Unset_IsDerivedFromTheSlowestProvidersLimit(int smtpSeconds, int webhookSeconds, int expectedLease)
    {
        using var app = Build(smtpSeconds, webhookSeconds, lease: null);

        Assert.Equal(expectedLease, app.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value.LeaseSeconds);
    }

    [Theory]
    [InlineData(15, 10, 3 * 17 + 2 + 5)]
    [InlineData(60, 10, 3 * 62 + 2 + 5)]
    public void Shutdown_WaitsForTheWorstCaseSend_NotTheHostsDefault30Seconds(int smtpSeconds, int webhookSeconds, int worstSendSeconds)
    {
        using var app = Build(smtpSeconds, webhookSeconds, lease: null);

        Assert.Equal(TimeSpan.FromSeconds(worstSendSeconds), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public void Lease_CoveringTheWorstCaseSend_IsKept()
    {
        using var app = Build(smtpSeconds: 15, webhookSeconds: 10, lease: 58);

        Assert.Equal(58, app.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value.LeaseSeconds);
    }

    [Theory]
    [InlineData(15, 10, 30, "Portcullis:Email:Smtp:TimeoutSeconds", 58)]
    [InlineData(15, 10, 57, "Portcullis:Email:Smtp:TimeoutSeconds", 58)]
    [InlineData(5, 40, 60, "Portcullis:Sms:Webhook:TimeoutSeconds", 133)]
    public async Task Lease_ShorterThanTheWorstCaseSend_RefusesToStart(int smtpSeconds, int webhookSeconds, int lease, string slowest, int minimum)
    {
        await using var app = Build(smtpSeconds, webhookSeconds, lease);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => PortcullisApp.StartAsync(app, Ct));

        Assert.Contains($"Portcullis:Delivery:LeaseSeconds ({lease}) is shorter than the worst-case send", refused.Message, StringComparison.Ordinal);
        Assert.Contains(slowest, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"at least {minimum}", refused.Message, StringComparison.Ordinal);
    }

    private Microsoft.AspNetCore.Builder.WebApplication Build(int smtpSeconds, int webhookSeconds, int? lease) => PortcullisApp.Build([
        "--urls", "http://127.0.0.1:0",
        "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(_folder.FullName, "p.db")}",
        "--Portcullis:Email:Provider", "smtp",
        "--Portcullis:Email:Smtp:Host", "127.0.0.1",
        "--Portcullis:Email:Smtp:From", "no-reply@portcullis.test",
        "--Portcullis:Email:Smtp:TimeoutSeconds", smtpSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--Portcullis:Sms:Provider", "webhook",
        "--Portcullis:Sms:Webhook:Url", "https://sms.example.com/send",
        "--Portcullis:Sms:Webhook:Secret", new string('s', WebhookSmsOptions.MinSecretLength),
        "--Portcullis:Sms:Webhook:TimeoutSeconds", webhookSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        .. lease is { } seconds ? ["--Portcullis:Delivery:LeaseSeconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)] : Array.Empty<string>(),
    ]);

    private Task<DispatcherNode> StartSmtpNodeAsync(TimeProvider clock, TimeProvider pipelineTime, int smtpTimeoutSeconds) =>
        DispatcherNode.StartAsync(StorageProvider.Sqlite, $"Data Source={Path.Combine(_folder.FullName, "node.db")}", clock, settings:
        [
            new("Portcullis:Email:Provider", "smtp"),
            new("Portcullis:Email:Smtp:Host", "127.0.0.1"),
            new("Portcullis:Email:Smtp:Port", _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Portcullis:Email:Smtp:TlsMode", "None"),
            new("Portcullis:Email:Smtp:From", "no-reply@portcullis.test"),
            new("Portcullis:Email:Smtp:TimeoutSeconds", smtpTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], pipelineTime: pipelineTime);

    /// <summary>Holds the SMTP server's answer to DATA: the first task says the message arrived, the second lets the answer go.</summary>
    private (TaskCompletionSource Answering, TaskCompletionSource Answer) HoldSmtpAnswer()
    {
        var answering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _smtp.BeforeAccepting = async ct =>
        {
            answering.TrySetResult();
            await answer.Task.WaitAsync(ct);
        };
        return (answering, answer);
    }
}
