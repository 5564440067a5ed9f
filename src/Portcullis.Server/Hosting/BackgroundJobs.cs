using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portcullis.Core.Users;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Hosting;

/// <summary>
/// Deletes expired refresh tokens, revocation entries, enrollment requests, codes, rate counters, sent messages and idle
/// attempt counters every hour so those tables do not grow without bound.
/// </summary>
public sealed class ExpiredTokenPurger(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ExpiredTokenPurger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var now = clock.GetUtcNow();
                var purged = await scope.ServiceProvider.GetRequiredService<ITokenStore>().PurgeExpiredAsync(now, stoppingToken)
                    + await scope.ServiceProvider.GetRequiredService<IEnrollmentStore>().PurgeExpiredAsync(now.AddHours(-1), stoppingToken)
                    + await scope.ServiceProvider.GetRequiredService<IPassCodeStore>().PurgeAsync(now.AddHours(-1), stoppingToken)
                    + await scope.ServiceProvider.GetRequiredService<IMfaSessionStore>().PurgeExpiredAsync(now, stoppingToken)
                    // A code is kept a day past expiry so that a late replay still revokes what it issued.
                    + await scope.ServiceProvider.GetRequiredService<IAuthorizationCodeStore>().PurgeExpiredAsync(now.AddDays(-1), stoppingToken)
                    + await scope.ServiceProvider.GetRequiredService<IBrowserSessionStore>().PurgeExpiredAsync(now, stoppingToken)
                    + await scope.ServiceProvider.GetRequiredService<IAccountTicketStore>().PurgeExpiredAsync(now, stoppingToken)
                    + await scope.ServiceProvider.GetRequiredService<IRateCounterStore>().PurgeAsync(now.AddHours(-1), stoppingToken)
                    + await scope.ServiceProvider.GetRequiredService<IOutboxStore>().PurgeAsync(now.AddMinutes(-15), now.AddDays(-7), stoppingToken)
                    + await scope.ServiceProvider.GetRequiredService<IAttemptCounterStore>().PurgeIdleAsync(now - AttemptCounter.IdleRetention, stoppingToken);
                logger.LogInformation("Purged {Count} expired token records", purged);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Purging expired tokens failed; will retry");
            }
        }
    }
}

/// <summary>Ready only once a signing key is loaded: without one no token can be issued.</summary>
public sealed class SigningKeyHealthCheck(SigningKeyRing keys) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var snapshot = await keys.GetAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{snapshot.Published.Count} published key(s)");
        }
        catch (InvalidOperationException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}

/// <summary>Reads new access-token revocations into <see cref="AccessTokenRevocations"/> every <c>Portcullis:Tokens:RevocationPollSeconds</c>.</summary>
public sealed class AccessTokenRevocationPoller(AccessTokenRevocations revocations, TimeProvider clock, IOptions<TokenOptions> options)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A delay after each read rather than a PeriodicTimer: when the clock jumps (a suspended VM, or a test's fake clock
        // moved by days) one read catches up, instead of one per missed tick (600,000 for a 14-day jump at 2 s).
        var interval = TimeSpan.FromSeconds(options.Value.RevocationPollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, clock, stoppingToken);
                await revocations.PollAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}

/// <summary>
/// Not ready when revocations have not been read for ten poll intervals (at least 30 s): this node would still accept tokens
/// revoked elsewhere since then, so a load balancer should stop sending it requests.
/// </summary>
public sealed class RevocationListHealthCheck(AccessTokenRevocations revocations, TimeProvider clock, IOptions<TokenOptions> options)
    : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var staleAfter = TimeSpan.FromSeconds(Math.Max(30, 10 * options.Value.RevocationPollSeconds));
        var result = revocations.LastReadAt is { } lastRead && clock.GetUtcNow() - lastRead <= staleAfter
            ? HealthCheckResult.Healthy($"{revocations.Count} revoked token(s), read at {lastRead:O}")
            : HealthCheckResult.Unhealthy($"Revoked access tokens not read since {revocations.LastReadAt?.ToString("O") ?? "start"}");
        return Task.FromResult(result);
    }
}
