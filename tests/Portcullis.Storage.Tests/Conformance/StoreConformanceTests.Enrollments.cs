using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary><see cref="IEnrollmentStore"/>: pending enrollments, found by token hash, each surviving a fixed number of attempts.</summary>
public abstract partial class StoreConformanceTests
{
    [Theory]
    [InlineData(FactorType.Otp)]
    [InlineData(FactorType.Sms)]
    [InlineData(FactorType.Email)]
    [InlineData(FactorType.Face)]
    public async Task AddEnrollment_ThenFindByTokenHash_RoundTripsEveryField(FactorType type)
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, type, Start.AddSeconds(60));

        Assert.Equivalent(request, await FindEnrollmentAsync(request), strict: true);
    }

    [Fact]
    public async Task FindEnrollment_WithUnknownTokenHash_ReturnsNull()
    {
        var user = await CreateMfaUserAsync();
        await AddEnrollmentAsync(user.Id);

        Assert.Null(await Enrollments(s => s.FindByTokenHashAsync("unknown-hash", Ct)));
    }

    [Fact]
    public async Task TryReserveAttempt_AllowsExactlyMaxAttempts()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id);
        var other = await AddEnrollmentAsync(user.Id, FactorType.Sms);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(await Enrollments(s => s.TryReserveAttemptAsync(request.Id, 5, Ct)), $"attempt {i + 1} should be allowed");
        }

        Assert.False(await Enrollments(s => s.TryReserveAttemptAsync(request.Id, 5, Ct)));
        Assert.Equal(5, (await FindEnrollmentAsync(request))?.FailedAttempts);

        // Per enrollment: another token of the same user is untouched.
        Assert.Equal(0, (await FindEnrollmentAsync(other))?.FailedAttempts);
        Assert.True(await Enrollments(s => s.TryReserveAttemptAsync(other.Id, 5, Ct)));
    }

    [Fact]
    public async Task TryReserveAttempt_OfAnUnknownEnrollment_ReturnsFalse()
    {
        var user = await CreateMfaUserAsync();
        await AddEnrollmentAsync(user.Id);

        Assert.False(await Enrollments(s => s.TryReserveAttemptAsync("unknown-enrollment", 5, Ct)));
    }

    [Fact]
    public async Task TryReserveAttempt_InParallel_AllowsExactlyMax()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id);

        var allowed = await Host.InParallelAsync<IEnrollmentStore, bool>(20, (s, _) => s.TryReserveAttemptAsync(request.Id, 5, Ct), Ct);

        Assert.Equal(5, allowed.Count(a => a));
        Assert.Equal(5, (await FindEnrollmentAsync(request))?.FailedAttempts);
    }

    [Fact]
    public async Task PurgeExpiredEnrollments_RemovesOnlyThoseExpiredBeforeTheInstant()
    {
        var user = await CreateMfaUserAsync();
        var now = Clock.GetUtcNow();
        var expired = await AddEnrollmentAsync(user.Id, expiresAt: now.AddTicks(-10));
        var consumedAndExpired = await AddEnrollmentAsync(user.Id, FactorType.Sms, now.AddMinutes(-5));
        Assert.Equal(BindOutcome.Bound,
            await Factors(s => s.BindAsync(consumedAndExpired.Id, now.AddMinutes(-6), NewFactor(user.Id, FactorType.Sms), Ct)));
        var expiringNow = await AddEnrollmentAsync(user.Id, expiresAt: now);
        var live = await AddEnrollmentAsync(user.Id, expiresAt: now.AddSeconds(30));

        var purged = await Enrollments(s => s.PurgeExpiredAsync(now, Ct));

        Assert.Equal(2, purged);
        Assert.Null(await FindEnrollmentAsync(expired));
        Assert.Null(await FindEnrollmentAsync(consumedAndExpired));
        Assert.NotNull(await FindEnrollmentAsync(expiringNow));
        Assert.NotNull(await FindEnrollmentAsync(live));

        // The bound factor outlives its enrollment.
        Assert.NotNull(await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Sms, Ct)));
        Assert.Equal(0, await Enrollments(s => s.PurgeExpiredAsync(now, Ct)));
        Assert.Equal(2, await Db(db => db.EnrollmentRequests.CountAsync(Ct)));
    }
}
