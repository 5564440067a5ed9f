using System.Reflection;
using Microsoft.Extensions.Options;
using Portcullis.Core.Passwords;

namespace Portcullis.Core.Tests.Passwords;

public sealed class PasswordHasherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Small parameters keep the suite fast; the production defaults are checked by the format test.</summary>
    internal static PasswordHasher Fast(int iterations = 1, int maxConcurrentHashes = 4) => new(Options.Create(new PasswordHashingOptions
    {
        MemoryKiB = 8192,
        Iterations = iterations,
        Parallelism = 1,
        MaxConcurrentHashes = maxConcurrentHashes,
    }));

    [Fact]
    public async Task HashAsync_WithDefaults_IsAnArgon2idPhcStringWithOwaspParameters()
    {
        using var hasher = new PasswordHasher(Options.Create(new PasswordHashingOptions()));

        var hash = await hasher.HashAsync("correct horse battery staple", Ct);

        // 16-byte salt and 32-byte hash, unpadded standard base64 (the PHC string format).
        Assert.Matches(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", hash);
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(hash, "correct horse battery staple", Ct));
    }

    [Fact]
    public async Task HashAsync_SamePasswordTwice_GivesDifferentSaltsAndHashes()
    {
        using var hasher = Fast();

        var a = await hasher.HashAsync("password1", Ct);
        var b = await hasher.HashAsync("password1", Ct);

        Assert.NotEqual(a.Split('$')[4], b.Split('$')[4]);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task VerifyAsync_RightPassword_IsSuccess()
    {
        using var hasher = Fast();
        var hash = await hasher.HashAsync("pässwörd 密码", Ct);

        Assert.StartsWith("$argon2id$v=19$m=8192,t=1,p=1$", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(hash, "pässwörd 密码", Ct));
    }

    [Theory]
    [InlineData("password2")]
    [InlineData("Password1")]
    [InlineData("password1 ")]
    [InlineData("")]
    public async Task VerifyAsync_WrongPassword_IsFailed(string wrong)
    {
        using var hasher = Fast();
        var hash = await hasher.HashAsync("password1", Ct);

        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(hash, wrong, Ct));
    }

    [Fact]
    public async Task VerifyAsync_HashMadeWithOtherParameters_IsSuccessRehashNeeded()
    {
        using var old = Fast(iterations: 1);
        using var current = Fast(iterations: 2);
        var hash = await old.HashAsync("password1", Ct);

        Assert.Equal(PasswordVerification.SuccessRehashNeeded, await current.VerifyAsync(hash, "password1", Ct));
        Assert.Equal(PasswordVerification.Failed, await current.VerifyAsync(hash, "password2", Ct));
    }

    /// <summary>phc-winner-argon2's src/test.c vectors: our PHC parsing and the Konscious fallback agree with the reference
    /// implementation (their 8-byte salt "somesalt" is one libsodium cannot take).</summary>
    [Theory]
    [InlineData("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")]
    public async Task VerifyAsync_ReferenceImplementationVector_VerifiesAndAsksForARehash(string reference)
    {
        using var hasher = Fast();

        Assert.Equal(PasswordVerification.SuccessRehashNeeded, await hasher.VerifyAsync(reference, "password", Ct));
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(reference, "passwore", Ct));
    }

    // Made by the previous PasswordHasher (Konscious for every hash) with the default parameters, before libsodium replaced it.
    private const string OldPassword = "Tr0ub4dor&3 old Konscious hash";
    private const string OldDefaultHash = "$argon2id$v=19$m=19456,t=2,p=1$Pou2yOsfLtivzGLeVLAm0w$OBQGvieBS0QrZ4GLKHq43XkZozU0ppevfmrxqKG0wmU";

    [Fact]
    public async Task VerifyAsync_HashStoredByTheKonsciousHasher_IsSuccess_WithoutARehash()
    {
        using var hasher = new PasswordHasher(Options.Create(new PasswordHashingOptions()));

        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(OldDefaultHash, OldPassword, Ct));
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(OldDefaultHash, OldPassword + "!", Ct));
    }

    /// <summary>Hashes libsodium cannot compute (p = 2; an 8-byte salt), made by Konscious with the same PHC formatting: they go
    /// through the managed fallback, verify, and ask to be rewritten.</summary>
    [Theory]
    [InlineData("$argon2id$v=19$m=8192,t=1,p=2$f8ui+0pUulWoJjR1VM9fxg$9zZM3S2PSAQoEfdquQhMTSuXjK1uBIt0O2kMg9yXok0")]
    [InlineData("$argon2id$v=19$m=8192,t=1,p=1$+sFlwixyW7s$cX9dDgJRca2lDSWmEf1diz6VBNH0rZubRn544CaLGK0")]
    public async Task VerifyAsync_HashLibsodiumCannotCompute_VerifiesThroughTheFallback_AndAsksForARehash(string imported)
    {
        using var hasher = Fast();

        Assert.Equal(PasswordVerification.SuccessRehashNeeded, await hasher.VerifyAsync(imported, OldPassword, Ct));
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(imported, "Tr0ub4dor&3 old Konscious hasH", Ct));
    }

    [Fact]
    public async Task VerifyAsync_HashMadeByLibsodium_IsUpgradedFromAnImportedHash_AndVerifiesAsSuccess()
    {
        using var hasher = Fast();
        const string imported = "$argon2id$v=19$m=8192,t=1,p=2$f8ui+0pUulWoJjR1VM9fxg$9zZM3S2PSAQoEfdquQhMTSuXjK1uBIt0O2kMg9yXok0";
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, await hasher.VerifyAsync(imported, OldPassword, Ct));

        var rewritten = await hasher.HashAsync(OldPassword, Ct);

        Assert.StartsWith("$argon2id$v=19$m=8192,t=1,p=1$", rewritten, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(rewritten, OldPassword, Ct));
    }

    /// <summary>A hash made now is the one Konscious computes for the same inputs: old code (a rollback) still verifies it.</summary>
    [Fact]
    public async Task HashAsync_LibsodiumHash_EqualsWhatKonsciousComputes()
    {
        using var hasher = Fast();
        var phc = (await hasher.HashAsync("pässwörd 密码", Ct)).Split('$');

        using var konscious = new Konscious.Security.Cryptography.Argon2id(System.Text.Encoding.UTF8.GetBytes("pässwörd 密码"))
        {
            Salt = Convert.FromBase64String(phc[4] + "=="),
            MemorySize = 8192,
            Iterations = 1,
            DegreeOfParallelism = 1,
        };
        var expected = await konscious.GetBytesAsync(32);

        Assert.Equal(Convert.ToBase64String(expected).TrimEnd('='), phc[5]);
    }

    /// <summary>libsodium holds the memory block natively: a hash allocates a few hundred bytes on the managed heap, not the
    /// 64 MiB that the managed implementation put on the Large Object Heap. The hash runs inline on this thread (the gate is
    /// free), so this thread's allocation counter sees all of it.</summary>
    [Fact]
    public async Task HashAsync_DoesNotAllocateTheMemoryBlockOnTheManagedHeap()
    {
        using var hasher = new PasswordHasher(Options.Create(new PasswordHashingOptions { MemoryKiB = 64 * 1024, Iterations = 1 }));
        await hasher.HashAsync("warm-up", Ct);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var hash = hasher.HashAsync("password1", Ct);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(hash.IsCompletedSuccessfully);
        Assert.InRange(allocated, 0, 64 * 1024);
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(await hash, "password1", Ct));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void Constructor_ParallelismOtherThanOne_IsRefused(int parallelism)
    {
        var options = Options.Create(new PasswordHashingOptions { MemoryKiB = 8192, Iterations = 1, Parallelism = parallelism });

        var error = Assert.Throws<ArgumentException>(() => new PasswordHasher(options));
        Assert.Contains("Parallelism", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("password1")]
    [InlineData("$argon2id$")]
    [InlineData("$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")] // argon2i, not argon2id
    [InlineData("$argon2id$v=16$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")] // version 1.0
    [InlineData("$argon2id$v=19$m=0,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")]
    [InlineData("$argon2id$v=19$m=-256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")]
    [InlineData("$argon2id$v=19$m=4,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")] // m < 8p (RFC 9106)
    [InlineData("$argon2id$v=19$m=8,t=2,p=2$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")] // m < 8p
    [InlineData("$argon2id$v=19$m=256,t=2$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")] // no p
    [InlineData("$argon2id$v=19$m=256,t=2,p=1,x=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")]
    [InlineData("$argon2id$v=19$m=256;t=2;p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")]
    [InlineData("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$")]
    [InlineData("$argon2id$v=19$m=256,t=2,p=1$$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")] // no salt
    [InlineData("$argon2id$v=19$m=256,t=2,p=1$c29tZQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")] // 4-byte salt
    [InlineData("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$")] // no hash
    [InlineData("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgL")] // 6-byte hash
    [InlineData("$argon2id$v=19$m=256,t=2,p=1$!!!!$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")]
    [InlineData("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/")] // length 4k+1
    public async Task VerifyAsync_GarbageHash_IsFailed_NotAnException(string garbage)
    {
        using var hasher = Fast();

        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(garbage, "password", Ct));
    }

    [Fact]
    public async Task BurnAsync_CompletesAndReleasesTheGate()
    {
        using var hasher = Fast(maxConcurrentHashes: 1);

        await hasher.BurnAsync("any password", Ct);

        Assert.Equal(1, Gate(hasher).CurrentCount);
    }

    [Fact]
    public async Task BurnAsync_EmptyPassword_CompletesWithoutAnException()
    {
        using var hasher = Fast();

        await hasher.BurnAsync("", Ct);
    }

    // MaxConcurrentHashes bounds memory under a sign-in flood. The hasher's own semaphore is the gate: occupying its only
    // slot stands for a hash in progress, deterministically and without timings.

    [Fact]
    public async Task HashAsync_MaxConcurrentHashesOne_WhileAnotherHashHoldsTheGate_WaitsWithoutComputing()
    {
        using var hasher = Fast(maxConcurrentHashes: 1);
        var gate = Gate(hasher);
        await gate.WaitAsync(Ct); // a hash in progress
        using var cancel = new CancellationTokenSource();

        var second = hasher.HashAsync("password1", cancel.Token);
        await Task.Yield();
        Assert.False(second.IsCompleted);

        // Argon2 itself ignores the token, so a cancellation can only land while the call waits at the gate.
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);

        gate.Release();
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(await hasher.HashAsync("password1", Ct), "password1", Ct));
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task HashAsync_MaxConcurrentHashesOne_QueuedHashesWaitForTheGate_ThenAllComplete_WithoutLeakingASlot()
    {
        using var hasher = Fast(maxConcurrentHashes: 1);
        var gate = Gate(hasher);
        await gate.WaitAsync(Ct); // hold the only slot while queueing

        var queued = Enumerable.Range(0, 3).Select(i => hasher.HashAsync($"password{i}", Ct)).ToList();
        await Task.Yield();
        Assert.All(queued, t => Assert.False(t.IsCompleted));

        gate.Release();
        var hashes = await Task.WhenAll(queued);

        Assert.Equal(3, hashes.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1, gate.CurrentCount);
    }

    [Fact]
    public async Task HashAsync_MaxConcurrentHashesTwo_OneHashInProgress_DoesNotBlockTheNext()
    {
        using var hasher = Fast(maxConcurrentHashes: 2);
        var gate = Gate(hasher);
        await gate.WaitAsync(Ct); // one hash in progress

        var hash = await hasher.HashAsync("password1", Ct);

        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(hash, "password1", Ct));
        Assert.Equal(1, gate.CurrentCount);
        gate.Release();
    }

    [Fact]
    public async Task VerifyAsync_MaxConcurrentHashesOne_WhileTheGateIsHeld_Waits()
    {
        using var hasher = Fast(maxConcurrentHashes: 1);
        var hash = await hasher.HashAsync("password1", Ct);
        var gate = Gate(hasher);
        await gate.WaitAsync(Ct);
        using var cancel = new CancellationTokenSource();

        var verify = hasher.VerifyAsync(hash, "password1", cancel.Token);
        var burn = hasher.BurnAsync("password1", cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => verify);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => burn);
        gate.Release();
    }

    [Fact]
    public async Task MaxConcurrentHashesZero_IsTreatedAsOne()
    {
        using var hasher = Fast(maxConcurrentHashes: 0);

        Assert.Equal(1, Gate(hasher).CurrentCount);
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(await hasher.HashAsync("password1", Ct), "password1", Ct));
    }

    private static SemaphoreSlim Gate(PasswordHasher hasher) =>
        (SemaphoreSlim)(typeof(PasswordHasher).GetField("_gate", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(hasher)
            ?? throw new InvalidOperationException("PasswordHasher no longer keeps its semaphore in _gate; update this test."));
}
