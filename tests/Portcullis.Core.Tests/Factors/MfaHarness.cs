using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Providers;
using Portcullis.Core.Users;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Factors.Otp;
using Portcullis.Core.Tests.Fakes;

namespace Portcullis.Core.Tests.Factors;

/// <summary>FactorService and AttemptGuard over in-memory stores and a fake clock.</summary>
public sealed class MfaHarness
{
    public MfaHarness(MfaOptions? options = null)
    {
        var o = Options.Create(options ?? new MfaOptions());
        Guard = new AttemptGuard(new InMemoryCodeCheckStore(Counters, Factors, Audit), o, Clock, NullLogger<AttemptGuard>.Instance);
        var services = new ServiceCollection()
            .AddSingleton<ISecretProtector>(Protector)
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton<FactorTypeCatalog>()
            .AddFactorProvider<OtpFactorProvider>(FactorType.Otp)
            .BuildServiceProvider();
        FactorService = new FactorService(Factors, new StepUp(Factors, Options.Create(new AccountOptions()), Clock), new FactorProviders(services.GetRequiredService<FactorTypeCatalog>(), services), Guard, Audit, Clock,
            NullLogger<FactorService>.Instance);
    }

    /// <summary>Mid-step (10 s into a 30-s step), so ±30 s stays within the neighbouring steps.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1_767_225_610));

    public InMemoryAttemptCounterStore Counters { get; } = new();

    public InMemoryFactorStore Factors { get; } = new();

    public InMemoryAuditLog Audit { get; } = new();

    public IdentitySecretProtector Protector { get; } = new();

    public AttemptGuard Guard { get; }

    public FactorService FactorService { get; }

    /// <summary>A signed-in user of an application in pool "Pool", whose session passed MFA.</summary>
    public MfaCaller Caller(string userId, string appId) => new(
        new User { Id = userId, PoolId = "pool1", CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow() },
        new Application { Id = appId, PoolId = "pool1", Name = "App", ProtectedSecret = "-" },
        "Pool",
        "en-US",
        null,
        new CallerSession(Clock.GetUtcNow(), PassedMfa: true));

    /// <summary>Binds an OTP factor for <paramref name="userId"/>; returns its seed.</summary>
    public byte[] BindOtp(string userId, string appId = "app1")
    {
        var seed = TotpVerifier.NewSeed();
        Factors.Add(new Factor
        {
            Id = "factor-" + userId,
            UserId = userId,
            AppId = appId,
            Type = FactorType.Otp,
            ProtectedSecret = Protector.Protect(Convert.ToBase64String(seed)),
            CreatedAt = Clock.GetUtcNow(),
        });
        return seed;
    }

    public string Code(byte[] seed, TimeSpan offset = default) => TotpVerifier.Compute(seed, Clock.GetUtcNow() + offset);

    /// <summary>A 6-digit code that is none of the codes accepted right now (±1 step).</summary>
    public string WrongCode(byte[] seed)
    {
        var accepted = new[] { Code(seed, TimeSpan.FromSeconds(-30)), Code(seed), Code(seed, TimeSpan.FromSeconds(30)) };
        for (var i = 0; ; i++)
        {
            var candidate = i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!accepted.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
