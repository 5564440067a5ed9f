using Portcullis.Core.Applications;
using Portcullis.Core.Factors;

namespace Portcullis.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task TryReplaceRecoveryCode_SucceedsOnlyFromTheExpectedHash_AndOnceInParallel()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        var factor = NewFactor(user.Id, FactorType.Otp);
        factor.RecoveryCodeHash = "hash-0";
        Assert.Equal(BindOutcome.Bound, await Check(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), factor)));

        Assert.False(await Check(tx => tx.TryReplaceRecoveryCodeAsync(factor.Id, "not-the-hash", "hash-x")));
        var winners = await ChecksInParallelAsync(12, (tx, i) => tx.TryReplaceRecoveryCodeAsync(factor.Id, "hash-0", $"hash-{i + 1}"));

        Assert.Equal(1, winners.Count(w => w));
        var stored = (await Factors(s => s.FindAsync(user.Id, factor.Id, Ct)))!.RecoveryCodeHash;
        Assert.Equal($"hash-{Array.IndexOf(winners, true) + 1}", stored);
    }
}
