using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Core.Tokens;
using Portcullis.Server.Hosting;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Tests;

/// <summary>The in-memory revocation list over a store that can be made to fail, with its own clock.</summary>
public sealed class AccessTokenRevocationsTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly RevocationRows _rows = new();
    private readonly ServiceProvider _services;
    private readonly AccessTokenRevocations _revocations;

    public AccessTokenRevocationsTests()
    {
        _services = new ServiceCollection().AddSingleton<ITokenStore>(_rows).BuildServiceProvider();
        _revocations = new AccessTokenRevocations(_services.GetRequiredService<IServiceScopeFactory>(), _clock,
            NullLogger<AccessTokenRevocations>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Load_ReadsEveryUnexpiredRevocation_PageAfterPage()
    {
        for (var i = 0; i < AccessTokenRevocations.PageSize + 5; i++)
        {
            _rows.Add($"jti-{i:D5}", _clock.GetUtcNow().AddHours(1), _clock.GetUtcNow().AddMinutes(-i % 7));
        }

        _rows.Add("expired", _clock.GetUtcNow(), _clock.GetUtcNow());

        await _revocations.EnsureLoadedAsync(Ct);

        Assert.Equal(AccessTokenRevocations.PageSize + 5, _revocations.Count);
        Assert.True(_revocations.IsRevoked("jti-01004"));
        Assert.False(_revocations.IsRevoked("expired"));
    }

    [Fact]
    public async Task Poll_WhenTheStoreFails_ForgetsNothing_AndCatchesUpOnceItRecovers()
    {
        _rows.Add("before", _clock.GetUtcNow().AddHours(1), _clock.GetUtcNow());
        await _revocations.EnsureLoadedAsync(Ct);
        var loadedAt = _revocations.LastReadAt;

        _rows.Failing = true;
        _clock.Advance(TimeSpan.FromMinutes(5));
        _rows.Add("during", _clock.GetUtcNow().AddHours(1), _clock.GetUtcNow());
        await _revocations.PollAsync(Ct);

        Assert.True(_revocations.IsRevoked("before"));
        Assert.False(_revocations.IsRevoked("during"));
        Assert.Equal(loadedAt, _revocations.LastReadAt);

        _rows.Failing = false;
        _clock.Advance(TimeSpan.FromMinutes(5));
        await _revocations.PollAsync(Ct);

        Assert.True(_revocations.IsRevoked("before"));
        Assert.True(_revocations.IsRevoked("during"));
        Assert.Equal(_clock.GetUtcNow(), _revocations.LastReadAt);
    }

    [Fact]
    public async Task EnsureLoaded_WhenTheFirstReadFails_Throws_SoNoTokenIsTrustedWithoutTheList()
    {
        _rows.Failing = true;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _revocations.EnsureLoadedAsync(Ct));

        Assert.Null(_revocations.LastReadAt);
    }

    [Fact]
    public async Task Poll_SeesARowStampedBeforeThePreviousPoll_ByAnotherNodeWhoseClockIsBehind()
    {
        await _revocations.EnsureLoadedAsync(Ct);
        _clock.Advance(TimeSpan.FromSeconds(2));

        _rows.Add("late", _clock.GetUtcNow().AddHours(1), _clock.GetUtcNow().AddSeconds(-30));
        await _revocations.PollAsync(Ct);

        Assert.True(_revocations.IsRevoked("late"));
    }

    [Fact]
    public async Task Entries_LeaveAtTheirExpiry()
    {
        _rows.Add("short", _clock.GetUtcNow().AddMinutes(1), _clock.GetUtcNow());
        await _revocations.EnsureLoadedAsync(Ct);
        _revocations.Add("local", _clock.GetUtcNow().AddMinutes(1));
        Assert.True(_revocations.IsRevoked("short"));
        Assert.True(_revocations.IsRevoked("local"));

        _clock.Advance(TimeSpan.FromMinutes(1));
        await _revocations.PollAsync(Ct);

        Assert.Equal(0, _revocations.Count);
    }

    public void Dispose()
    {
        _revocations.Dispose();
        _services.Dispose();
    }

    /// <summary>The store's revocation rows in memory, with the same cursor order as the database.</summary>
    [Fact]
    public async Task HealthCheck_IsUnhealthyOnceReadsFailForTenPollIntervals_AndHealthyAgainAfterARead()
    {
        var check = new RevocationListHealthCheck(_revocations, _clock, Options.Create(new TokenOptions { RevocationPollSeconds = 5 }));
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);

        await _revocations.EnsureLoadedAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);

        // The store fails: every poll of the next 50 s (ten intervals of 5 s) leaves the list as it was read.
        _rows.Failing = true;
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            await _revocations.PollAsync(Ct);
        }

        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _revocations.PollAsync(Ct);
        var stale = await check.CheckHealthAsync(new HealthCheckContext(), Ct);
        Assert.Equal(HealthStatus.Unhealthy, stale.Status);
        Assert.Contains("not read since", stale.Description, StringComparison.Ordinal);

        _rows.Failing = false;
        await _revocations.PollAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
    }

    private sealed class RevocationRows : ITokenStore
    {
        private readonly List<RevokedAccessToken> _rows = [];

        public bool Failing { get; set; }

        public void Add(string jti, DateTimeOffset expiresAt, DateTimeOffset revokedAt) =>
            _rows.Add(new RevokedAccessToken { Jti = jti, ExpiresAt = expiresAt, RevokedAt = revokedAt });

        public Task<IReadOnlyList<RevokedAccessToken>> ListAccessTokenRevocationsAsync(RevocationCursor after, DateTimeOffset now, int limit, CancellationToken ct) =>
            Failing
                ? throw new InvalidOperationException("the database is down")
                : Task.FromResult<IReadOnlyList<RevokedAccessToken>>([.. _rows
                    .Where(r => r.RevokedAt > after.RevokedAt || (r.RevokedAt == after.RevokedAt && string.CompareOrdinal(r.Jti, after.Jti) > 0))
                    .Where(r => r.ExpiresAt > now)
                    .OrderBy(r => r.RevokedAt).ThenBy(r => r.Jti, StringComparer.Ordinal)
                    .Take(limit)]);

        public Task AddRefreshTokenAsync(RefreshToken token, CancellationToken ct) => throw new NotSupportedException();

        public Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> TryConsumeRefreshTokenAsync(string id, DateTimeOffset at, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<RevokedAccessToken>> RevokeRefreshFamilyAsync(string familyId, DateTimeOffset at, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task RevokeAccessTokenAsync(RevokedAccessToken revoked, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> ListOtherRefreshFamiliesAsync(string userId, string? exceptAccessTokenJti, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct) => throw new NotSupportedException();
    }
}
