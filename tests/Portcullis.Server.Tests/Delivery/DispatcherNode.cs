using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Email;
using Portcullis.Server.Adapters.Sms;
using Portcullis.Server.Delivery;
using Portcullis.Storage;
using Portcullis.Testing;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>
/// One server node's delivery side, composed with the server's own registrations (storage, providers, <c>AddOutboxDelivery</c>)
/// but no HTTP and no background loop: the test runs its sweeps, so it decides how two nodes interleave. Several nodes on one
/// database are several servers.
/// </summary>
public sealed class DispatcherNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private DispatcherNode(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public DeliveryOptions Options => _services.GetRequiredService<IOptions<DeliveryOptions>>().Value;

    /// <summary>
    /// A node on <paramref name="connectionString"/> whose stores and leases run on <paramref name="clock"/>. Its send pipelines
    /// run on <paramref name="pipelineTime"/> (real time unless given). <paramref name="sms"/> replaces the SMS provider.
    /// </summary>
    public static async Task<DispatcherNode> StartAsync(
        StorageProvider provider,
        string connectionString,
        TimeProvider clock,
        ISmsSender? sms = null,
        IEnumerable<KeyValuePair<string, string?>>? settings = null,
        TimeProvider? pipelineTime = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Portcullis:Storage:Provider"] = provider.ToString(),
                ["Portcullis:Storage:ConnectionString"] = connectionString,
                ["Portcullis:Delivery:DispatcherEnabled"] = "false",
                // Every node of a database shares one key-encryption certificate, as in production (required with PostgreSQL).
                ["Portcullis:DataProtection:Certificate:Path"] = TestKeyRing.SharedCertificatePath,
            })
            .AddInMemoryCollection(settings ?? [])
            .Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(clock);
        services.AddPortcullisStorage(configuration);
        services.AddSingleton<ISmsSender>(sms ?? new DeliveryLog().Sender());
        services.AddSingleton<IEmailSender, UnusedEmailSender>();
        services.AddEmailDelivery(configuration);
        services.AddSmsDelivery(configuration);
        services.AddOutboxDelivery();
        if (pipelineTime is not null)
        {
            services.Replace(ServiceDescriptor.Singleton(sp => new SendPipelines(
                sp.GetRequiredService<IOptions<EmailOptions>>(), sp.GetRequiredService<IOptions<SmsOptions>>(), pipelineTime)));
        }

        var provided = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var node = new DispatcherNode(provided);
        try
        {
            provided.GetService<IStartupValidator>()?.Validate();
            await using var scope = provided.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>One sweep of this node's background dispatcher.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxSweeper>().SweepOnceAsync(ct);
    }

    /// <summary>A pending message due now, as <see cref="CodeDelivery"/> writes one without an inline send.</summary>
    public async Task<OutboxMessage> AddDueMessageAsync(MessageKind kind, string recipient, DateTimeOffset now)
    {
        var message = new OutboxMessage
        {
            Id = Ids.NewId(),
            Kind = kind,
            Recipient = kind == MessageKind.Sms ? "+86" + recipient : recipient,
            PhoneCountryCode = kind == MessageKind.Sms ? "+86" : null,
            PhoneNumber = kind == MessageKind.Sms ? recipient : null,
            Channel = "CHANNEL_LOGIN",
            Language = "en",
            ProtectedCode = _services.GetRequiredService<ISecretProtector>().Protect("123456"),
            LifetimeMinutes = 5,
            Status = OutboxStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        await using var scope = _services.CreateAsyncScope();
        var code = new PassCode
        {
            Id = Ids.NewId(),
            PoolId = "pool",
            Channel = message.Channel,
            Recipient = message.Recipient,
            CodeHash = SecretHash.Hash("123456"),
            CreatedAt = now,
            ExpiresAt = now.AddMinutes(5),
        };
        await scope.ServiceProvider.GetRequiredService<IOutboxStore>().AddAsync(message, code, CancellationToken.None);
        return message;
    }

    public async Task<OutboxMessage> FindAsync(string id)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOutboxStore>().FindAsync(id, CancellationToken.None)
            ?? throw new InvalidOperationException($"Outbox message {id} is gone.");
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private sealed class UnusedEmailSender : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken ct) => throw new InvalidOperationException("These tests send SMS only, or configure SMTP.");
    }
}

/// <summary>What reached "the provider", across every node: message ids in arrival order.</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentQueue<string> _delivered = new();

    public IReadOnlyList<string> Delivered => [.. _delivered];

    public int CountOf(string messageId) => _delivered.Count(id => id == messageId);

    /// <summary>A provider for one node that records into this log.</summary>
    public GatedSmsSender Sender() => new(this);

    internal void Add(string messageId) => _delivered.Enqueue(messageId);
}

/// <summary>
/// An SMS provider a test can hold: while <see cref="Hold"/> is set, every send waits until it is released, and then records a
/// delivery or throws what the hold says (a send that hangs on a slow provider, then answers).
/// </summary>
public sealed class GatedSmsSender(DeliveryLog log) : ISmsSender
{
    public SendHold? Hold { get; set; }

    public async Task SendAsync(SmsMessage message, CancellationToken ct)
    {
        if (Hold is { } hold)
        {
            hold.Entered.TrySetResult(message.MessageId);
            var failure = await hold.Released.Task.WaitAsync(ct);
            if (failure is not null)
            {
                throw failure;
            }
        }

        log.Add(message.MessageId);
    }
}

/// <summary>A held send: <see cref="Entered"/> gives the message id being sent; <see cref="Release"/> lets it answer.</summary>
public sealed class SendHold
{
    public TaskCompletionSource<string> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<Exception?> Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(Exception? failure = null) => Released.TrySetResult(failure);
}
