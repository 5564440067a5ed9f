using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// Pass codes: written with their message (<see cref="IOutboxStore.AddAsync"/>), found as the latest per recipient
/// (<see cref="IPassCodeStore"/>), and checked in a code check: a fixed number of attempts per code, reserved atomically, and
/// spent once (<see cref="ICodeCheckTransaction.TryReservePassCodeAttemptAsync"/>, <see cref="ICodeCheckTransaction.TryConsumePassCodeAsync"/>).
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task AddOutboxMessage_WithAPassCode_ThenFindLatest_RoundTripsEveryField()
    {
        var older = NewPassCode("+8613800138000", Clock.GetUtcNow().AddSeconds(-30));
        var latest = NewPassCode("+8613800138000");
        var otherRecipient = NewPassCode("+8613800138001", Clock.GetUtcNow().AddSeconds(1));
        foreach (var code in new[] { older, latest, otherRecipient })
        {
            await AddOutboxMessageAsync(Clock.GetUtcNow(), code: code);
        }

        Assert.Equivalent(latest, await PassCodes(s => s.FindLatestAsync(latest.PoolId, latest.Channel, latest.Recipient, Ct)), strict: true);
        Assert.Null(await PassCodes(s => s.FindLatestAsync("another-pool", latest.Channel, latest.Recipient, Ct)));
        Assert.Null(await PassCodes(s => s.FindLatestAsync(latest.PoolId, "CHANNEL_OTHER", latest.Recipient, Ct)));
    }

    [Fact]
    public async Task AddOutboxMessage_WhoseCodeIsRefused_WritesNeither()
    {
        var code = NewPassCode();
        var first = await AddOutboxMessageAsync(Clock.GetUtcNow(), code: code);

        await Assert.ThrowsAsync<DbUpdateException>(() => AddOutboxMessageAsync(Clock.GetUtcNow(), code: code));

        var messages = await Db(db => db.OutboxMessages.Select(m => m.Id).ToListAsync(Ct));
        Assert.Equal(first.Id, Assert.Single(messages));
    }

    [Fact]
    public async Task AddOutboxMessage_WithAnEnrollment_WritesBoth()
    {
        var user = await CreateMfaUserAsync();
        var request = NewEnrollment(user.Id, Core.Factors.FactorType.Sms);

        var message = await AddOutboxMessageAsync(Clock.GetUtcNow(), code: request);

        Assert.Equivalent(request, await FindEnrollmentAsync(request), strict: true);
        Assert.NotNull(await Host.UseAsync<IOutboxStore, OutboxMessage?>(s => s.FindAsync(message.Id, Ct)));
    }

    [Fact]
    public async Task CodeCheck_PassCodeAttempts_StopAtTheLimit_PerCode()
    {
        var code = await AddPassCodeAsync();
        var other = await AddPassCodeAsync();

        for (var i = 0; i < 5; i++)
        {
            Assert.True(await Check(tx => tx.TryReservePassCodeAttemptAsync(code.Id, 5)), $"attempt {i + 1} should be allowed");
        }

        Assert.False(await Check(tx => tx.TryReservePassCodeAttemptAsync(code.Id, 5)));
        Assert.Equal(5, (await FindPassCodeAsync(code))?.Attempts);
        Assert.Equal(0, (await FindPassCodeAsync(other))?.Attempts);
        Assert.True(await Check(tx => tx.TryReservePassCodeAttemptAsync(other.Id, 5)));
        Assert.False(await Check(tx => tx.TryReservePassCodeAttemptAsync("unknown-code", 5)));
    }

    [Fact]
    public async Task CodeCheck_PassCodeAttempts_InParallel_AllowExactlyMax()
    {
        var code = await AddPassCodeAsync();

        var allowed = await ChecksInParallelAsync(20, (tx, _) => tx.TryReservePassCodeAttemptAsync(code.Id, 5));

        Assert.Equal(5, allowed.Count(a => a));
        Assert.Equal(5, (await FindPassCodeAsync(code))?.Attempts);
    }

    [Fact]
    public async Task CodeCheck_ConsumesAPassCodeOnce()
    {
        var code = await AddPassCodeAsync();
        var at = Clock.GetUtcNow().AddSeconds(20);

        Assert.True(await Check(tx => tx.TryConsumePassCodeAsync(code.Id, at)));
        Assert.False(await Check(tx => tx.TryConsumePassCodeAsync(code.Id, at.AddSeconds(1))));
        Assert.False(await Check(tx => tx.TryConsumePassCodeAsync("unknown-code", at)));

        Assert.Equal(at, (await FindPassCodeAsync(code))?.ConsumedAt);
    }

    [Fact]
    public async Task CodeCheck_ConsumingOnePassCodeInParallel_ExactlyOneWins()
    {
        var code = await AddPassCodeAsync();

        var consumed = await ChecksInParallelAsync(16, (tx, i) => tx.TryConsumePassCodeAsync(code.Id, Start.AddSeconds(i)));

        var winner = Assert.Single(Enumerable.Range(0, consumed.Length), i => consumed[i]);
        Assert.Equal(Start.AddSeconds(winner), (await FindPassCodeAsync(code))?.ConsumedAt);
    }

    [Fact]
    public async Task CodeCheck_ThatThrowsAfterSpendingAPassCode_LeavesItUnspent()
    {
        var code = await AddPassCodeAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Check<bool>(async tx =>
        {
            Assert.True(await tx.TryReservePassCodeAttemptAsync(code.Id, 5));
            Assert.True(await tx.TryConsumePassCodeAsync(code.Id, Clock.GetUtcNow()));
            throw new InvalidOperationException("the check failed after spending the code");
        }));

        var stored = await FindPassCodeAsync(code);
        Assert.Equal((0, (DateTimeOffset?)null), (stored?.Attempts, stored?.ConsumedAt));
    }

    private Task<T> PassCodes<T>(Func<IPassCodeStore, Task<T>> use) => Host.UseAsync(use);

    /// <summary>A pass code as <see cref="PassCodeService"/> writes one (five minutes, no attempt yet).</summary>
    private PassCode NewPassCode(string recipient = "+8613800138000", DateTimeOffset? createdAt = null)
    {
        var created = createdAt ?? Clock.GetUtcNow();
        return new PassCode
        {
            Id = Ids.NewId(),
            PoolId = "pool-1",
            Channel = "CHANNEL_LOGIN",
            Recipient = recipient,
            CodeHash = "hash:" + Ids.NewOpaqueToken(),
            CreatedAt = created,
            ExpiresAt = created.AddMinutes(5),
        };
    }

    private async Task<PassCode> AddPassCodeAsync()
    {
        var code = NewPassCode();
        await AddOutboxMessageAsync(Clock.GetUtcNow(), code: code);
        return code;
    }

    private Task<PassCode?> FindPassCodeAsync(PassCode code) =>
        Db(db => db.PassCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Id == code.Id, Ct));
}
