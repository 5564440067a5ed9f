using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Delivery;
using Portcullis.Testing;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>
/// A client that hangs up while its code is being sent inline does not cancel the send: the message the SMTP server takes is
/// recorded as sent, so no dispatcher sends the code a second time after the lease.
/// </summary>
public sealed class InlineSendDisconnectTests(InlineSendDisconnectTests.Server server) : IClassFixture<InlineSendDisconnectTests.Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClientHangsUpMidSend_TheSendCompletesAndIsRecordedOnce()
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var answering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Smtp.BeforeAccepting = async ct =>
        {
            answering.TrySetResult();
            await answer.Task.WaitAsync(ct);
        };

        using var http = server.RawHttp();
        using var hangUp = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-email")
        {
            Content = new StringContent($"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_LOGIN\"}}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
        var sending = http.SendAsync(request, hangUp.Token);

        // The SMTP server has the message and has not answered yet: the client hangs up, and the server notices.
        await Within(answering.Task, "the SMTP server receiving the message");
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        var aborted = await server.SendEmailAborted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await Within(Until(() => aborted.IsCancellationRequested), "the server noticing the hang-up");
        answer.SetResult();

        var message = await WaitForOutcomeAsync(email);
        Assert.Equal(OutboxStatus.Sent, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Single(server.Smtp.Received, r => r.EnvelopeTo.Contains(email));
    }

    private static async Task Until(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(20, Ct);
        }
    }

    private static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Waited 10 s for {what}.");
        }
    }

    /// <summary>The message to <paramref name="email"/> once it is no longer pending (polled: the send finishes after the hang-up).</summary>
    private async Task<OutboxMessage> WaitForOutcomeAsync(string email)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var scope = server.Services.CreateAsyncScope();
            var messages = await scope.ServiceProvider.GetRequiredService<IOutboxStore>().ListRecentAsync(20, null, Ct);
            var message = Assert.Single(messages, m => m.Recipient == email);
            if (message.Status != OutboxStatus.Pending || DateTime.UtcNow > deadline)
            {
                return message;
            }

            await Task.Delay(50, Ct);
        }
    }

    /// <summary>The server on a loopback SMTP server, with a middleware that hands the test the send-email request's abort token.</summary>
    public sealed class Server : TestServer
    {
        public SmtpLoopbackServer Smtp { get; private set; } = null!;

        /// <summary>The send-email request's <c>RequestAborted</c>: the test sees when the server noticed the hang-up.</summary>
        public TaskCompletionSource<CancellationToken> SendEmailAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask InitializeAsync()
        {
            Smtp = await SmtpLoopbackServer.StartAsync();
            await base.InitializeAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Smtp.DisposeAsync();
        }

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IStartupFilter>(new AbortWatch(SendEmailAborted));

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [
            new("Portcullis:Email:Provider", "smtp"),
            new("Portcullis:Email:Smtp:Host", "127.0.0.1"),
            new("Portcullis:Email:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Portcullis:Email:Smtp:TlsMode", "None"),
            new("Portcullis:Email:Smtp:From", "no-reply@portcullis.test"),
        ];

        private sealed class AbortWatch(TaskCompletionSource<CancellationToken> aborted) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, following) =>
                {
                    // The token itself, not a callback on it: cancellation runs callbacks in reverse order of registration,
                    // after the send's own, so a callback of ours would say nothing about when the send was told.
                    if (context.Request.Path == "/api/v3/send-email")
                    {
                        aborted.TrySetResult(context.RequestAborted);
                    }

                    return following(context);
                });
                next(app);
            };
        }
    }
}
