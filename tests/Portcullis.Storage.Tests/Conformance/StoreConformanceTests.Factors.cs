using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// <see cref="IFactorStore"/> and the factor writes of a code check (<see cref="ICodeCheckTransaction"/>): binding consumes the
/// enrollment and inserts the factor atomically, one factor per type per user (decided by the database), and each TOTP step is
/// accepted once on every node.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task BindFactor_ThenFind_RoundTripsEveryFieldAndConsumesTheEnrollment()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        var factor = NewFactor(user.Id, FactorType.Otp);
        var at = Clock.GetUtcNow().AddSeconds(20);

        Assert.Equal(BindOutcome.Bound, await Check(tx => tx.BindAsync(request.Id, at, factor)));

        Assert.Equivalent(factor, await Factors(s => s.FindAsync(user.Id, factor.Id, Ct)), strict: true);
        Assert.Equivalent(factor, await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Otp, Ct)), strict: true);
        Assert.Equal(at, (await FindEnrollmentAsync(request))?.ConsumedAt);
    }

    [Fact]
    public async Task BindFactor_WithAnEnrollmentUsedBefore_ReturnsTokenAlreadyUsedAndWritesNothing()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        var first = Clock.GetUtcNow().AddSeconds(1);
        Assert.Equal(BindOutcome.Bound, await Check(tx => tx.BindAsync(request.Id, first, NewFactor(user.Id, FactorType.Otp))));

        // Another type, so only the spent token (not the one-per-type index) can refuse it.
        var second = NewFactor(user.Id, FactorType.Sms);
        Assert.Equal(BindOutcome.TokenAlreadyUsed, await Check(tx => tx.BindAsync(request.Id, first.AddSeconds(1), second)));

        Assert.Null(await Factors(s => s.FindAsync(user.Id, second.Id, Ct)));
        Assert.Single(await Factors(s => s.ListAsync(user.Id, Ct)));
        Assert.Equal(first, (await FindEnrollmentAsync(request))?.ConsumedAt);
    }

    [Fact]
    public async Task BindFactor_WithUnknownEnrollment_ReturnsTokenAlreadyUsedAndWritesNothing()
    {
        var user = await CreateMfaUserAsync();

        Assert.Equal(BindOutcome.TokenAlreadyUsed, await Check(tx => tx.BindAsync("unknown-enrollment", Clock.GetUtcNow(), NewFactor(user.Id))));

        Assert.Empty(await Factors(s => s.ListAsync(user.Id, Ct)));
    }

    [Fact]
    public async Task BindFactor_OfATypeAlreadyBound_ReturnsAlreadyBoundAndLeavesTheEnrollmentUnconsumed()
    {
        var user = await CreateMfaUserAsync();
        var bound = await BindFactorAsync(user.Id, FactorType.Sms);
        var request = await AddEnrollmentAsync(user.Id, FactorType.Sms);
        var second = NewFactor(user.Id, FactorType.Sms);

        Assert.Equal(BindOutcome.AlreadyBound, await Check(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), second)));

        // Rolled back as a whole: the enrollment is still pending, so it can bind once the first factor is gone.
        Assert.Null((await FindEnrollmentAsync(request))?.ConsumedAt);
        Assert.Equal(bound.Id, Assert.Single(await Factors(s => s.ListAsync(user.Id, Ct))).Id);

        Assert.True(await Factors(s => s.DeleteAsync(user.Id, bound.Id, Ct)));
        Assert.Equal(BindOutcome.Bound, await Check(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), second)));
        Assert.Equal(second.Id, Assert.Single(await Factors(s => s.ListAsync(user.Id, Ct))).Id);
    }

    [Fact]
    public async Task BindFactor_AfterAlreadyBound_LeavesTheScopeUsable()
    {
        // The refused insert must not leave an open transaction or an aborted PostgreSQL transaction behind for the next
        // statement of the same request (or the next request that gets the pooled connection).
        var user = await CreateMfaUserAsync();
        await BindFactorAsync(user.Id, FactorType.Otp);
        var refused = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        var next = await AddEnrollmentAsync(user.Id, FactorType.Email);
        var email = NewFactor(user.Id, FactorType.Email);

        await Host.UseAsync<IServiceProvider>(async request =>
        {
            var checks = request.GetRequiredService<ICodeCheckStore>();
            var factors = request.GetRequiredService<IFactorStore>();
            Assert.Equal(BindOutcome.AlreadyBound,
                await checks.RunAsync(tx => tx.BindAsync(refused.Id, Clock.GetUtcNow(), NewFactor(user.Id, FactorType.Otp)), Ct));
            Assert.Single(await factors.ListAsync(user.Id, Ct));
            Assert.Equal(BindOutcome.Bound, await checks.RunAsync(tx => tx.BindAsync(next.Id, Clock.GetUtcNow(), email), Ct));
        });

        Assert.Equal(2, (await Factors(s => s.ListAsync(user.Id, Ct))).Count);
        Assert.Null((await FindEnrollmentAsync(refused))?.ConsumedAt);
        Assert.NotNull((await FindEnrollmentAsync(next))?.ConsumedAt);
    }

    /// <summary>Binding a FACE factor (<see cref="NewFactor"/>) shows the column holds its width; this, that a descriptor fits it.</summary>
    [Fact]
    public async Task TheLongestFaceDescriptor_OnceProtected_FitsTheFactorsSecretColumn()
    {
        var protectedDescriptor = ProtectedDescriptors.Protect(Resolve<ISecretProtector>(), new FaceDescriptor(new float[FaceDescriptor.MaxValues]));

        var column = await Db(db => Task.FromResult(db.Model.FindEntityType(typeof(Factor))!.FindProperty(nameof(Factor.ProtectedSecret))!.GetMaxLength()));

        Assert.Equal(FactorSecretColumnLength, column);
        Assert.InRange(protectedDescriptor.Length, 1, FactorSecretColumnLength);
    }

    [Fact]
    public async Task BindFactor_OneEnrollmentInParallel_ExactlyOneBinds()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        FactorType[] types = [FactorType.Otp, FactorType.Sms, FactorType.Email, FactorType.Face];

        // Every caller binds another type where it can, so only the compare-and-set on the enrollment decides.
        var outcomes = await ChecksInParallelAsync(16,
            (tx, i) => tx.BindAsync(request.Id, Start.AddSeconds(i), NewFactor(user.Id, types[i % types.Length])));

        var winner = Assert.Single(Enumerable.Range(0, outcomes.Length), i => outcomes[i] == BindOutcome.Bound);
        Assert.All(outcomes.Where((_, i) => i != winner), o => Assert.Equal(BindOutcome.TokenAlreadyUsed, o));
        Assert.Equal(types[winner % types.Length], Assert.Single(await Factors(s => s.ListAsync(user.Id, Ct))).Type);
        Assert.Equal(Start.AddSeconds(winner), (await FindEnrollmentAsync(request))?.ConsumedAt);
    }

    [Fact]
    public async Task BindFactor_TwoEnrollmentsOfOneTypeInParallel_ExactlyOneBinds()
    {
        var user = await CreateMfaUserAsync();
        var requests = new List<EnrollmentRequest>();
        for (var i = 0; i < 16; i++)
        {
            requests.Add(await AddEnrollmentAsync(user.Id, FactorType.Otp));
        }

        var outcomes = await ChecksInParallelAsync(requests.Count,
            (tx, i) => tx.BindAsync(requests[i].Id, Start.AddSeconds(i), NewFactor(user.Id, FactorType.Otp)));

        var winner = Assert.Single(Enumerable.Range(0, outcomes.Length), i => outcomes[i] == BindOutcome.Bound);
        Assert.All(outcomes.Where((_, i) => i != winner), o => Assert.Equal(BindOutcome.AlreadyBound, o));
        Assert.Single(await Factors(s => s.ListAsync(user.Id, Ct)));

        // Only the winner's enrollment is spent; the losers' transactions rolled back their compare-and-set.
        for (var i = 0; i < requests.Count; i++)
        {
            var consumedAt = (await FindEnrollmentAsync(requests[i]))?.ConsumedAt;
            Assert.Equal(i == winner ? Start.AddSeconds(i) : null, consumedAt);
        }
    }

    [Fact]
    public async Task BindFactor_ForTwoUsers_BindsBoth()
    {
        var ada = await CreateMfaUserAsync();
        var grace = await CreateMfaUserAsync();

        await BindFactorAsync(ada.Id, FactorType.Otp);
        await BindFactorAsync(grace.Id, FactorType.Otp);

        Assert.Single(await Factors(s => s.ListAsync(ada.Id, Ct)));
        Assert.Single(await Factors(s => s.ListAsync(grace.Id, Ct)));
    }

    [Fact]
    public async Task FindFactor_OfAnotherUser_ReturnsNull()
    {
        var ada = await CreateMfaUserAsync();
        var grace = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(ada.Id, FactorType.Otp);

        Assert.Null(await Factors(s => s.FindAsync(grace.Id, factor.Id, Ct)));
        Assert.Null(await Factors(s => s.FindByTypeAsync(grace.Id, FactorType.Otp, Ct)));
        Assert.Null(await Factors(s => s.FindByTypeAsync(ada.Id, FactorType.Sms, Ct)));
    }

    [Fact]
    public async Task ListFactors_ReturnsTheUsersFactorsInCreationOrder()
    {
        var ada = await CreateMfaUserAsync();
        var grace = await CreateMfaUserAsync();

        // Bound out of order; the two in the same instant fall back to the id.
        var face = await BindFactorAsync(ada.Id, FactorType.Face, Start.AddMinutes(3));
        var email = await BindFactorAsync(ada.Id, FactorType.Email, Start.AddMinutes(1), id: "bbbbbbbbbbbbbbbbbbbbbbbb");
        var sms = await BindFactorAsync(ada.Id, FactorType.Sms, Start.AddMinutes(1), id: "aaaaaaaaaaaaaaaaaaaaaaaa");
        var otp = await BindFactorAsync(ada.Id, FactorType.Otp, Start.AddMinutes(2));
        await BindFactorAsync(grace.Id, FactorType.Otp, Start);

        var listed = await Factors(s => s.ListAsync(ada.Id, Ct));

        Assert.Equal([sms.Id, email.Id, otp.Id, face.Id], listed.Select(f => f.Id));
        Assert.Empty(await Factors(s => s.ListAsync("unknown-user", Ct)));
    }

    [Fact]
    public async Task DeleteFactor_OnlyDeletesTheOwnersFactor()
    {
        var ada = await CreateMfaUserAsync();
        var grace = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(ada.Id, FactorType.Otp);

        Assert.False(await Factors(s => s.DeleteAsync(grace.Id, factor.Id, Ct)));
        Assert.NotNull(await Factors(s => s.FindAsync(ada.Id, factor.Id, Ct)));

        Assert.True(await Factors(s => s.DeleteAsync(ada.Id, factor.Id, Ct)));
        Assert.Null(await Factors(s => s.FindAsync(ada.Id, factor.Id, Ct)));

        Assert.False(await Factors(s => s.DeleteAsync(ada.Id, factor.Id, Ct)));
    }

    [Fact]
    public async Task DeleteFactor_ThenBindTheSameTypeAgain_Binds()
    {
        var user = await CreateMfaUserAsync();
        var first = await BindFactorAsync(user.Id, FactorType.Otp);
        Assert.True(await Factors(s => s.DeleteAsync(user.Id, first.Id, Ct)));

        var second = await BindFactorAsync(user.Id, FactorType.Otp);

        Assert.Equal(second.Id, (await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Otp, Ct)))?.Id);
    }

    [Fact]
    public async Task DeletingAUser_DeletesTheirFactorsOnly()
    {
        // mfa_factors.UserId references users with ON DELETE CASCADE; no other MFA table references users.
        var ada = await CreateMfaUserAsync();
        var grace = await CreateMfaUserAsync();
        await BindFactorAsync(ada.Id, FactorType.Otp);
        await BindFactorAsync(ada.Id, FactorType.Sms);
        var kept = await BindFactorAsync(grace.Id, FactorType.Otp);

        Assert.Equal(1, await Db(db => db.Users.Where(u => u.Id == ada.Id).ExecuteDeleteAsync(Ct)));

        Assert.Empty(await Factors(s => s.ListAsync(ada.Id, Ct)));
        Assert.Equal(kept.Id, Assert.Single(await Db(db => db.Factors.ToListAsync(Ct))).Id);
    }

    [Fact]
    public async Task BindFactor_ForAUserThatDoesNotExist_Throws()
    {
        // The foreign key is enforced on both providers (SQLite only enforces it when the connection turns it on), and the
        // failed check leaves the enrollment unconsumed.
        var request = await AddEnrollmentAsync("no-such-user", FactorType.Otp);

        await Assert.ThrowsAnyAsync<DbException>(() => Check(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), NewFactor("no-such-user"))));

        Assert.Null((await FindEnrollmentAsync(request))?.ConsumedAt);
        Assert.Equal(0, await Db(db => db.Factors.CountAsync(Ct)));
    }

    [Fact]
    public async Task TryAdvanceTotpStep_AcceptsOnlyLaterSteps()
    {
        var user = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(user.Id, FactorType.Otp);
        var bound = factor.LastAcceptedStep!.Value;

        Assert.False(await Check(tx => tx.TryAdvanceTotpStepAsync(factor.Id, bound)));
        Assert.False(await Check(tx => tx.TryAdvanceTotpStepAsync(factor.Id, bound - 1)));
        Assert.True(await Check(tx => tx.TryAdvanceTotpStepAsync(factor.Id, bound + 1)));
        Assert.False(await Check(tx => tx.TryAdvanceTotpStepAsync(factor.Id, bound + 1)));
        Assert.True(await Check(tx => tx.TryAdvanceTotpStepAsync(factor.Id, bound + 5)));
        Assert.False(await Check(tx => tx.TryAdvanceTotpStepAsync(factor.Id, bound + 4)));

        Assert.Equal(bound + 5, (await Factors(s => s.FindAsync(user.Id, factor.Id, Ct)))?.LastAcceptedStep);
    }

    [Fact]
    public async Task TryAdvanceTotpStep_WithNoStepRecorded_AcceptsTheFirst()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        var factor = NewFactor(user.Id, FactorType.Otp);
        factor.LastAcceptedStep = null;
        Assert.Equal(BindOutcome.Bound, await Check(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), factor)));

        Assert.True(await Check(tx => tx.TryAdvanceTotpStepAsync(factor.Id, 0)));
        Assert.False(await Check(tx => tx.TryAdvanceTotpStepAsync(factor.Id, 0)));
    }

    [Fact]
    public async Task TryAdvanceTotpStep_OfAnUnknownFactor_ReturnsFalse()
    {
        var user = await CreateMfaUserAsync();
        await BindFactorAsync(user.Id, FactorType.Otp);

        Assert.False(await Check(tx => tx.TryAdvanceTotpStepAsync("unknown-factor", long.MaxValue)));
    }

    [Fact]
    public async Task TryAdvanceTotpStep_OneStepInParallel_ExactlyOneWins()
    {
        var user = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(user.Id, FactorType.Otp);
        var step = factor.LastAcceptedStep!.Value + 1;

        var accepted = await ChecksInParallelAsync(20, (tx, _) => tx.TryAdvanceTotpStepAsync(factor.Id, step));

        Assert.Single(accepted, a => a);
        Assert.Equal(step, (await Factors(s => s.FindAsync(user.Id, factor.Id, Ct)))?.LastAcceptedStep);
    }

    [Fact]
    public async Task TryAdvanceTotpStep_ManyStepsInParallel_NeverMovesBackwards()
    {
        var user = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(user.Id, FactorType.Otp);
        var bound = factor.LastAcceptedStep!.Value;

        var accepted = await ChecksInParallelAsync(16, (tx, i) => tx.TryAdvanceTotpStepAsync(factor.Id, bound + 1 + i));

        // Whatever the order, the latest step is accepted and is what stays recorded.
        Assert.True(accepted[^1]);
        Assert.Equal(bound + 16, (await Factors(s => s.FindAsync(user.Id, factor.Id, Ct)))?.LastAcceptedStep);
    }

    [Fact]
    public async Task FindBoundBefore_AnswersAFactorBoundBeforeTheInstant_OnlyOfThatUser()
    {
        var user = await CreateMfaUserAsync();
        var other = await CreateMfaUserAsync();
        var boundAt = Clock.GetUtcNow();
        var factor = await BindFactorAsync(user.Id, FactorType.Otp, createdAt: boundAt);
        await BindFactorAsync(other.Id, FactorType.Otp, createdAt: boundAt.AddHours(-1));

        Assert.Null(await Factors(s => s.FindBoundBeforeAsync(user.Id, boundAt, Ct)));
        Assert.Equal(factor.Id, (await Factors(s => s.FindBoundBeforeAsync(user.Id, boundAt.AddTicks(10), Ct)))?.Id);
        Assert.Null(await Factors(s => s.FindBoundBeforeAsync("nobody", boundAt.AddDays(1), Ct)));
    }

    [Fact]
    public async Task FindOfTypeOrFirst_AnswersTheFactorOfTheType_ElseTheFirstBound_ElseNone()
    {
        var user = await CreateMfaUserAsync();
        Assert.Null(await Factors(s => s.FindOfTypeOrFirstAsync(user.Id, FactorType.Otp, Ct)));
        var first = await BindFactorAsync(user.Id, FactorType.Email, createdAt: Clock.GetUtcNow());
        var otp = await BindFactorAsync(user.Id, FactorType.Otp, createdAt: Clock.GetUtcNow().AddMinutes(1));
        await BindFactorAsync(user.Id, FactorType.Sms, createdAt: Clock.GetUtcNow().AddMinutes(2));

        Assert.Equal(otp.Id, (await Factors(s => s.FindOfTypeOrFirstAsync(user.Id, FactorType.Otp, Ct)))?.Id);
        Assert.Equal(first.Id, (await Factors(s => s.FindOfTypeOrFirstAsync(user.Id, FactorType.Face, Ct)))?.Id);
    }
}
