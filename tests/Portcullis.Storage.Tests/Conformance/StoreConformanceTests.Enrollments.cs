using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// <see cref="IEnrollmentStore"/>: pending enrollments, found by token hash, each surviving a fixed number of attempts (reserved
/// in a code check, <see cref="ICodeCheckTransaction.TryReserveEnrollmentAttemptAsync"/>).
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Theory]
    [InlineData("Otp")]
    [InlineData("Sms")]
    [InlineData("Email")]
    [InlineData("Face")]
    public async Task AddEnrollment_ThenFindByTokenHash_RoundTripsEveryField(string type)
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, new FactorType(type), Start.AddSeconds(60));

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
            Assert.True(await Check(tx => tx.TryReserveEnrollmentAttemptAsync(request.Id, 5)), $"attempt {i + 1} should be allowed");
        }

        Assert.False(await Check(tx => tx.TryReserveEnrollmentAttemptAsync(request.Id, 5)));
        Assert.Equal(5, (await FindEnrollmentAsync(request))?.FailedAttempts);

        // Per enrollment: another token of the same user is untouched.
        Assert.Equal(0, (await FindEnrollmentAsync(other))?.FailedAttempts);
        Assert.True(await Check(tx => tx.TryReserveEnrollmentAttemptAsync(other.Id, 5)));
    }

    [Fact]
    public async Task TryReserveAttempt_OfAnUnknownEnrollment_ReturnsFalse()
    {
        var user = await CreateMfaUserAsync();
        await AddEnrollmentAsync(user.Id);

        Assert.False(await Check(tx => tx.TryReserveEnrollmentAttemptAsync("unknown-enrollment", 5)));
    }

    [Fact]
    public async Task TryReserveAttempt_InParallel_AllowsExactlyMax()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id);

        var allowed = await ChecksInParallelAsync(20, (tx, _) => tx.TryReserveEnrollmentAttemptAsync(request.Id, 5));

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
        Assert.Equal(BindOutcome.Bound, await Check(tx => tx.BindAsync(consumedAndExpired.Id, now.AddMinutes(-6), NewFactor(user.Id, FactorType.Sms))));
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
