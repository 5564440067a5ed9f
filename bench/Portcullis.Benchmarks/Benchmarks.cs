using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Otp;
using Portcullis.Core.Passwords;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;
using Portcullis.Server.Adapters;
using Portcullis.Server.Tokens;

namespace Portcullis.Benchmarks;

/// <summary>RFC 6238 with Otp.NET as the server calls it: ±1 step. A wrong code computes all three steps.</summary>
public class TotpBenchmarks
{
    private readonly byte[] _seed = SHA256.HashData("portcullis-bench-seed-0"u8)[..TotpVerifier.SeedBytes];
    private DateTimeOffset _now;
    private string _code = "";

    [GlobalSetup]
    public void Setup()
    {
        _now = DateTimeOffset.UtcNow;
        _code = TotpVerifier.Compute(_seed, _now);
    }

    [Benchmark]
    public long? VerifyValid() => TotpVerifier.MatchStep(_seed, _code, _now);

    [Benchmark]
    public long? VerifyWrong() => TotpVerifier.MatchStep(_seed, _code == "000000" ? "111111" : "000000", _now);
}

/// <summary>
/// The TOTP seed at rest: ASP.NET Core Data Protection (AES-256-CBC + HMAC-SHA-256) with the purpose the server's protector uses,
/// then base64, as FactorService does on every mfa-totp-verify.
/// </summary>
public class SeedDecryptBenchmarks
{
    private IDataProtector _protector = null!;
    private string _protected = "";

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("Portcullis").UseEphemeralDataProtectionProvider();
        _protector = services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector("Portcullis.Secrets.v1");
        _protected = _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(TotpVerifier.SeedBytes)));
    }

    [Benchmark]
    public byte[] Unprotect() => Convert.FromBase64String(_protector.Unprotect(_protected));

    [Benchmark]
    public string Protect() => _protector.Protect("AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
}

/// <summary>
/// The server's TokenService over an in-memory key store: what signin signs (access + ID token) and what every user endpoint
/// validates, for a token seen before (the validation cache) and for a new one (the signature check).
/// </summary>
public class TokenBenchmarks
{
    private TokenService _tokens = null!;
    private AccessTokenValidator _validator = null!;
    private SigningKeyRing.KeySnapshot _keys = null!;
    private Application _app = null!;
    private User _user = null!;
    private string _accessToken = "";
    private const string Issuer = "http://127.0.0.1/oidc";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<TokenOptions>();
        services.AddDataProtection().SetApplicationName("Portcullis").UseEphemeralDataProtectionProvider();
        services.AddSingleton<ISecretProtector, Protector>();
        services.AddSingleton<ISigningKeyStore, MemoryKeyStore>();
        services.AddSingleton<ITokenStore, NoRevocations>();
        services.AddSingleton<SigningKeyRing>();
        services.AddScoped<SigningKeyRotation>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddSingleton<ValidatedTokenCache>();
        services.AddSingleton<AccessTokenRevocations>();
        services.AddSingleton<TokenService>();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<SigningKeyRing>().InitialiseAsync(CancellationToken.None);
        _keys = await provider.GetRequiredService<SigningKeyRing>().GetAsync(CancellationToken.None);
        _validator = provider.GetRequiredService<AccessTokenValidator>();
        _tokens = provider.GetRequiredService<TokenService>();
        _app = new Application { Id = "be0c0000000000000000a001", PoolId = "pool", Name = "bench", ProtectedSecret = "" };
        _user = new User { Id = "b00000000000000000000001", PoolId = "pool", Email = "user-1@bench.local", Nickname = "one", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        _accessToken = (await _tokens.IssueForUserAsync(Issuer, _app, _user, "profile", DateTimeOffset.UtcNow, ["pwd"], null, CancellationToken.None)).AccessToken;
    }

    [Benchmark(Description = "Sign access token")]
    public Task<IssuedTokens> SignAccessToken() => _tokens.IssueForUserAsync(Issuer, _app, _user, "profile", DateTimeOffset.UtcNow, ["pwd"], null, CancellationToken.None);

    [Benchmark(Description = "Sign access + ID token (signin)")]
    public Task<IssuedTokens> SignSignInTokens() => _tokens.IssueForUserAsync(Issuer, _app, _user, "openid profile", DateTimeOffset.UtcNow, ["pwd"], null, CancellationToken.None);

    [Benchmark(Description = "Validate access token (seen before)")]
    public Task<Result<AccessTokenInfo>> Validate() => _tokens.ValidateAccessTokenAsync(Issuer, _accessToken, CancellationToken.None);

    [Benchmark(Description = "Validate access token (signature check)")]
    public Task<ValidatedAccessToken?> ValidateSignature() => _validator.ValidateAsync(Issuer, _accessToken, _keys);

    private sealed class Protector(IDataProtectionProvider provider) : ISecretProtector
    {
        private readonly IDataProtector _p = provider.CreateProtector("Portcullis.Secrets.v1");

        public string Protect(string plaintext) => _p.Protect(plaintext);

        public string Unprotect(string protectedValue) => _p.Unprotect(protectedValue);
    }

    private sealed class MemoryKeyStore : ISigningKeyStore
    {
        private readonly List<SigningKey> _keys = [];

        public Task<IReadOnlyList<SigningKey>> ListPublishedAsync(DateTimeOffset rotatedAfter, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<SigningKey>>([.. _keys]);

        /// <summary>The benchmark rotates once, the first key: nothing earlier to stop.</summary>
        public Task RotateToAsync(SigningKey key, CancellationToken ct)
        {
            _keys.Insert(0, key);
            return Task.CompletedTask;
        }

        public Task<bool> RetireAsync(string kid, DateTimeOffset at, CancellationToken ct) => Task.FromResult(false);

        public async Task<bool> AddFirstAsync(SigningKey key, CancellationToken ct)
        {
            await RotateToAsync(key, ct);
            return true;
        }
    }

    private sealed class NoRevocations : ITokenStore
    {
        public Task AddRefreshTokenAsync(RefreshToken token, CancellationToken ct) => Task.CompletedTask;

        public Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken ct) => Task.FromResult<RefreshToken?>(null);

        public Task<bool> TryConsumeRefreshTokenAsync(string id, DateTimeOffset at, CancellationToken ct) => Task.FromResult(false);

        public Task<IReadOnlyList<RevokedAccessToken>> RevokeRefreshFamilyAsync(string familyId, DateTimeOffset at, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<RevokedAccessToken>>([]);

        public Task RevokeAccessTokenAsync(RevokedAccessToken revoked, CancellationToken ct) => Task.CompletedTask;

        public Task<IReadOnlyList<string>> ListOtherRefreshFamiliesAsync(string userId, string? exceptAccessTokenJti, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public Task<IReadOnlyList<RevokedAccessToken>> ListAccessTokenRevocationsAsync(RevocationCursor after, DateTimeOffset now, int limit, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<RevokedAccessToken>>([]);

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct) => Task.FromResult(0);
    }
}

/// <summary>Argon2id with the server's default parameters (m = 19 MiB, t = 2, p = 1), through the server's PasswordHasher.</summary>
public class PasswordHashBenchmarks
{
    private readonly PasswordHasher _hasher = new(Options.Create(new PasswordHashingOptions()));
    private string _hash = "";

    [GlobalSetup]
    public async Task SetupAsync() => _hash = await _hasher.HashAsync("bench password 1", CancellationToken.None);

    [Benchmark]
    public Task<string> Hash() => _hasher.HashAsync("bench password 1", CancellationToken.None);

    [Benchmark]
    public Task<PasswordVerification> Verify() => _hasher.VerifyAsync(_hash, "bench password 1", CancellationToken.None);
}

/// <summary>
/// What send-enroll-factor-request makes: the enrollment token (256 random bits, stored as its SHA-256), and for OTP the whole
/// offer: seed, encrypted seed, recovery code and its hash, key URI, and the QR code PNG the answer carries.
/// </summary>
public class EnrollmentBenchmarks
{
    private IDataProtector _protector = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("Portcullis").UseEphemeralDataProtectionProvider();
        _protector = services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector("Portcullis.Secrets.v1");
    }

    [Benchmark(Description = "Enrollment token + hash")]
    public string EnrollmentToken() => Ids.HashToken(Codes.NewEnrollmentToken());

    [Benchmark(Description = "OTP offer without QR")]
    public string OtpOfferWithoutQr() => Offer(qr: false);

    [Benchmark(Description = "OTP offer with QR PNG")]
    public string OtpOffer() => Offer(qr: true);

    private string Offer(bool qr)
    {
        var token = Codes.NewEnrollmentToken();
        var hash = Ids.HashToken(token);
        var seed = TotpVerifier.NewSeed();
        var recovery = Codes.NewRecoveryCode();
        var secret = _protector.Protect(Convert.ToBase64String(seed));
        var recoveryHash = SecretHash.Hash(Codes.NormaliseRecoveryCode(recovery));
        var uri = TotpVerifier.KeyUri(seed, "Bench pool", "user-1@bench.local");
        return qr ? QrCodes.ToPngDataUrl(uri) + hash + secret + recoveryHash : uri + hash + secret + recoveryHash;
    }
}
