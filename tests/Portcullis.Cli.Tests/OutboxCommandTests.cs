using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Storage;

namespace Portcullis.Cli.Tests;

public sealed class OutboxCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task OutboxList_ShowsFailedMessagesToOperators_WithoutTheirCodes()
    {
        Assert.Equal(0, (await _cli.RunAsync("outbox", "list", "--json")).Json().GetArrayLength());
        await AddMessageAsync("failed-1", OutboxStatus.Failed, "permanent: HTTP 400 from the provider");
        await AddMessageAsync("sent-1", OutboxStatus.Sent, null);

        var failed = (await _cli.RunAsync("outbox", "list", "--status", "failed", "--json")).Json();
        var all = await _cli.RunAsync("outbox", "list");

        var message = Assert.Single(failed.EnumerateArray());
        Assert.Equal("failed-1", message.GetProperty("id").GetString());
        Assert.Equal("Failed", message.GetProperty("status").GetString());
        Assert.Contains("HTTP 400", message.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("sent-1", all.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("424242", all.Stdout + failed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxList_WithAnUnknownStatus_Fails()
    {
        var result = await _cli.RunAsync("outbox", "list", "--status", "lost");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
    }

    private async Task AddMessageAsync(string id, OutboxStatus status, string? error)
    {
        // The CLI's first command created the database; write through the same storage layer the server uses.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portcullis:Storage:Provider"] = "Sqlite",
            ["Portcullis:Storage:ConnectionString"] = $"Data Source={_cli.DatabasePath}",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddPortcullisStorage(configuration).BuildServiceProvider();
        await using (services)
        {
            await using var scope = services.CreateAsyncScope();
            var protector = scope.ServiceProvider.GetRequiredService<ISecretProtector>();
            var now = DateTimeOffset.UtcNow;
            var code = new PassCode
            {
                Id = id,
                PoolId = "pool",
                Channel = "CHANNEL_LOGIN",
                Recipient = "+8613800138000",
                CodeHash = "hash",
                CreatedAt = now,
                ExpiresAt = now.AddMinutes(5),
            };
            await scope.ServiceProvider.GetRequiredService<IOutboxStore>().AddAsync(new OutboxMessage
            {
                Id = id,
                Kind = MessageKind.Sms,
                Recipient = "+8613800138000",
                PhoneCountryCode = "+86",
                PhoneNumber = "13800138000",
                Channel = "CHANNEL_LOGIN",
                Language = "en-US",
                ProtectedCode = protector.Protect("424242"),
                Status = status,
                Attempts = 1,
                LastError = error,
                CreatedAt = now,
                NextAttemptAt = now,
            }, code, TestContext.Current.CancellationToken);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
