using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Otp;
using Portcullis.Core.Passwords;
using Portcullis.Core.Pools;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;
using Portcullis.Server.Hosting;
using Portcullis.Server.Tokens;
using Portcullis.Storage;

namespace Portcullis.Bench;

/// <summary>
/// Fills a database without going through HTTP (sign-up spends an Argon2id hash per user): the server's own services migrate,
/// make the signing key, the bootstrap application and the signin target's (MFA off), then users, OTP factors and browser
/// sessions are inserted in batches through the server's DbContext, all sharing one password hash computed once with the
/// server's parameters. Identities are derived from the index, so the load generator can rebuild every seed and session
/// cookie: see <see cref="Seed"/> and <see cref="SessionToken"/>.
/// </summary>
public static class Seeder
{
    public const string Password = "bench password 1";

    /// <summary>Users with a bound OTP factor (mfa-totp-verify, sign-in, MFA sign-in, get-profile, introspection).</summary>
    public static string UserId(int i) => "b0" + i.ToString("x22", CultureInfo.InvariantCulture);

    /// <summary>Users without factors, for the enroll cycle.</summary>
    public static string EnrollUserId(int i) => "e0" + i.ToString("x22", CultureInfo.InvariantCulture);

    public static string FactorId(int i) => "f0" + i.ToString("x22", CultureInfo.InvariantCulture);

    public static string Email(int i) => $"user-{i}@bench.local";

    public static string EnrollEmail(int i) => $"enroll-{i}@bench.local";

    /// <summary>
    /// The 1636 challenge names its user only by username and nickname, so the mfa-signin script reads the user's index (and so
    /// the seed its code comes from) from this nickname; a username would add a unique index entry per user.
    /// </summary>
    public static string Nickname(int i) => $"user-{i}";

    public static string SessionId(int i) => "c0" + i.ToString("x22", CultureInfo.InvariantCulture);

    /// <summary>
    /// User i's <c>portcullis_session</c> cookie, shaped as the server's own (Ids.NewOpaqueToken: 32 bytes, base64url):
    /// SHA-256("portcullis-bench-session-i"). The row keeps only its hash, as the server's sessions do.
    /// </summary>
    public static string SessionToken(int i) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes($"portcullis-bench-session-{i}")));

    /// <summary>User i's TOTP seed: the first 20 bytes of SHA-256("portcullis-bench-seed-i").</summary>
    public static byte[] Seed(int i) => SHA256.HashData(Encoding.ASCII.GetBytes($"portcullis-bench-seed-{i}"))[..TotpVerifier.SeedBytes];

    /// <summary>
    /// The key ring's certificate: the one the SQLite server generates next to its database. PostgreSQL gets a copy of that key
    /// ring (<see cref="CopyToPostgreSqlAsync"/>), so it is configured with the same certificate, as an operator moving the
    /// database would. Spelled out rather than taken from KeyEncryptionCertificates.GeneratedFileName so that `bench/run --rev`
    /// still builds against revisions from before the key ring was encrypted (their servers ignore the setting).
    /// </summary>
    public static string KeyRingCertificate(BenchSettings s) => Path.Combine(s.DataDir, "keyring-kek.pem");

    /// <summary>The server's configuration for one bench database (also what the seeder builds its services from).</summary>
    public static string[] ServerArgs(BenchSettings s, StorageProvider provider, string connectionString) =>
    [
        "--Portcullis:Storage:Provider", provider.ToString(),
        "--Portcullis:Storage:ConnectionString", connectionString,
        .. provider == StorageProvider.PostgreSql ? ["--Portcullis:DataProtection:Certificate:Path", KeyRingCertificate(s)] : Array.Empty<string>(),
        "--Portcullis:Bootstrap:AppId", s.AppId,
        "--Portcullis:Bootstrap:AppSecret", s.AppSecret,
        "--Portcullis:CreateDemoApp", "false",
        // The issuer must not depend on the port each server listens on: the same tokens are valid on every server.
        "--Portcullis:PublicUrl", BenchSettings.PublicUrl,
        // Wrong-code rounds spread over every user; raised from 10 so no user locks mid-run (the lockout path is cheaper).
        "--Portcullis:Mfa:MaxConsecutiveFailures", "100",
        // The account-timing target sends a reset code to two new addresses per pair, all from this machine's address.
        "--Portcullis:Email:Provider", "outbox",
        "--Portcullis:Delivery:PerIpPerHour", "1000000",
        "--Logging:LogLevel:Default", "Warning",
        "--Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning",
    ];

    /// <summary>
    /// Seeds SQLite fully; writes the users' access tokens to <c>users.tsv</c> and <c>enroll.tsv</c>, and their session cookies
    /// to <c>sessions.tsv</c>, in the data folder.
    /// </summary>
    public static async Task SeedAsync(BenchSettings s, string sqliteConnection, Log log, CancellationToken ct)
    {
        await using var app = PortcullisApp.Build(ServerArgs(s, StorageProvider.Sqlite, sqliteConnection));
        await using (var init = app.Services.CreateAsyncScope())
        {
            await init.ServiceProvider.GetRequiredService<StartupInitializer>().RunAsync(ct);
        }

        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var application = await sp.GetRequiredService<IApplicationStore>().FindAsync(s.AppId, ct)
            ?? throw new InvalidOperationException("the bootstrap application was not created");
        await SeedSignInApplicationAsync(s, sp.GetRequiredService<ApplicationService>(), sp.GetRequiredService<IApplicationStore>(), application, ct);
        var protector = sp.GetRequiredService<ISecretProtector>();
        var passwordHash = await sp.GetRequiredService<PasswordHasher>().HashAsync(Password, ct);
        var db = sp.GetRequiredService<PortcullisDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTimeOffset.UtcNow;
        // As long as a session the server starts now would last (12 h by default): longer than any run.
        var sessionEnd = now.AddSeconds(sp.GetRequiredService<IOptions<HostedSignInOptions>>().Value.SessionLifetimeSeconds);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        const int batch = 5000;
        for (var start = 0; start < s.Users; start += batch)
        {
            for (var i = start; i < Math.Min(s.Users, start + batch); i++)
            {
                db.Users.Add(NewUser(UserId(i), Email(i), Nickname(i), application.PoolId, passwordHash, now));
                db.Factors.Add(new Factor
                {
                    Id = FactorId(i),
                    UserId = UserId(i),
                    AppId = application.Id,
                    Type = FactorType.Otp,
                    ProtectedSecret = protector.Protect(Convert.ToBase64String(Seed(i))),
                    CreatedAt = now,
                });
                // A password sign-in on the hosted pages (the authorize-code target's cookie): amr pwd, no second factor,
                // which the signin target's application (MFA off) does not ask for.
                db.BrowserSessions.Add(new BrowserSession
                {
                    Id = SessionId(i),
                    TokenHash = Ids.HashToken(SessionToken(i)),
                    PoolId = application.PoolId,
                    UserId = UserId(i),
                    AuthTime = now,
                    Amr = AuthenticationMethods.Password,
                    CreatedAt = now,
                    ExpiresAt = sessionEnd,
                });
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        for (var start = 0; start < s.EnrollUsers; start += batch)
        {
            for (var i = start; i < Math.Min(s.EnrollUsers, start + batch); i++)
            {
                db.Users.Add(NewUser(EnrollUserId(i), EnrollEmail(i), null, application.PoolId, passwordHash, now));
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        log.Line($"seeded {s.Users:N0} users with OTP factors and browser sessions and {s.EnrollUsers:N0} users without, in {watch.Elapsed.TotalSeconds:F1} s");
        await using (var sessions = new StreamWriter(Path.Combine(s.DataDir, "sessions.tsv"), false, new UTF8Encoding(false)))
        {
            for (var i = 0; i < s.Users; i++)
            {
                await sessions.WriteAsync($"{i}\t{SessionToken(i)}\n");
            }
        }

        // Access tokens, minted by the server's TokenService with its signing key (kept in the database, so valid on every
        // server built from it). No id token, no refresh token: one RS256 signature each.
        watch.Restart();
        var issuer = BenchSettings.PublicUrl + "/oidc";
        await WriteTokensAsync(app.Services, application, issuer, s.Users, UserId, Email, Path.Combine(s.DataDir, "users.tsv"), ct);
        await WriteTokensAsync(app.Services, application, issuer, s.EnrollUsers, EnrollUserId, EnrollEmail, Path.Combine(s.DataDir, "enroll.tsv"), ct);
        log.Line($"minted {s.Users + s.EnrollUsers:N0} access tokens in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The signin target's application (<see cref="BenchSettings.SignInAppId"/>), in the bootstrap application's pool, with MFA
    /// off and the authorize-code target's redirect URI: created through the server's ApplicationService as the bootstrap one
    /// is, so it is a row like any other and the PostgreSQL copy carries it.
    /// </summary>
    private static async Task SeedSignInApplicationAsync(BenchSettings s, ApplicationService applications, IApplicationStore apps, Application bootstrap,
        CancellationToken ct)
    {
        var created = await applications.EnsureAsync(s.SignInAppId, s.SignInAppSecret, "bench sign-in, MFA off", ct);
        if (created.PoolId != bootstrap.PoolId)
        {
            throw new InvalidOperationException($"the sign-in application landed in pool {created.PoolId}, not the users' {bootstrap.PoolId}");
        }

        var off = await applications.SetMfaAsync(s.SignInAppId, MfaMode.Off, followPool: false, factors: null, poolMode: null, ct);
        if (!off.Succeeded)
        {
            throw new InvalidOperationException($"turning MFA off for the sign-in application failed: {off.Error?.Detail}");
        }

        // The store caches what it answers, so the change goes on a copy (as SetMfaAsync's does).
        var withRedirect = off.Value.With(off.Value.MfaMode, off.Value.EnabledFactors);
        withRedirect.RedirectUris = [BenchSettings.RedirectUri];
        await apps.UpdateAsync(withRedirect, ct);
    }

    private static User NewUser(string id, string email, string? nickname, string poolId, string passwordHash, DateTimeOffset now) => new()
    {
        Id = id,
        PoolId = poolId,
        Email = email,
        Nickname = nickname,
        EmailVerified = true,
        PasswordHash = passwordHash,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static async Task WriteTokensAsync(IServiceProvider services, Application application, string issuer, int count,
        Func<int, string> id, Func<int, string> email, string path, CancellationToken ct)
    {
        var tokens = new string[count];
        await Parallel.ForEachAsync(Partitioner(count, Environment.ProcessorCount), ct, async (range, token) =>
        {
            await using var scope = services.CreateAsyncScope();
            var issuerService = scope.ServiceProvider.GetRequiredService<TokenService>();
            for (var i = range.Start; i < range.End; i++)
            {
                var user = new User { Id = id(i), PoolId = application.PoolId, Email = email(i) };
                var issued = await issuerService.IssueForUserAsync(issuer, application, user, "profile", DateTimeOffset.UtcNow, ["pwd"], null, token);
                tokens[i] = issued.AccessToken;
            }
        });

        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        for (var i = 0; i < count; i++)
        {
            await writer.WriteAsync($"{i}\t{tokens[i]}\n");
        }
    }

    private static IEnumerable<(int Start, int End)> Partitioner(int count, int parts)
    {
        var size = (count + parts - 1) / Math.Max(1, parts);
        for (var start = 0; start < count; start += Math.Max(1, size))
        {
            yield return (start, Math.Min(count, start + size));
        }
    }

    /// <summary>
    /// Migrates an empty PostgreSQL database and copies the seeded SQLite rows into it, key ring and signing key included, so
    /// the same access tokens, seeds, session cookies and password work on both servers.
    /// </summary>
    public static async Task CopyToPostgreSqlAsync(BenchSettings s, string sqliteConnection, string pgConnection, Log log, CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var source = PortcullisApp.Build(ServerArgs(s, StorageProvider.Sqlite, sqliteConnection));
        await using var target = PortcullisApp.Build(ServerArgs(s, StorageProvider.PostgreSql, pgConnection));
        await using var sourceScope = source.Services.CreateAsyncScope();
        await using var targetScope = target.Services.CreateAsyncScope();
        await targetScope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync(ct);
        var from = sourceScope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        var to = targetScope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        to.ChangeTracker.AutoDetectChangesEnabled = false;

        await CopyAsync<DataProtectionKey>(from, to, q => q.OrderBy(k => k.Id), ct);
        await CopyAsync<SigningKey>(from, to, q => q.OrderBy(k => k.Kid), ct);
        await CopyAsync<UserPool>(from, to, q => q.OrderBy(p => p.Id), ct);
        await CopyAsync<Application>(from, to, q => q.OrderBy(a => a.Id), ct);
        await CopyAsync<User>(from, to, q => q.OrderBy(u => u.Id), ct);
        await CopyAsync<Factor>(from, to, q => q.OrderBy(f => f.Id), ct);
        await CopyAsync<BrowserSession>(from, to, q => q.OrderBy(b => b.Id), ct);
        log.Line($"copied the seeded rows to PostgreSQL in {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task CopyAsync<T>(PortcullisDbContext from, PortcullisDbContext to, Func<IQueryable<T>, IOrderedQueryable<T>> order, CancellationToken ct)
        where T : class
    {
        const int batch = 5000;
        for (var skip = 0; ; skip += batch)
        {
            var rows = await order(from.Set<T>().AsNoTracking()).Skip(skip).Take(batch).ToListAsync(ct);
            if (rows.Count == 0)
            {
                return;
            }

            to.Set<T>().AddRange(rows);
            await to.SaveChangesAsync(ct);
            to.ChangeTracker.Clear();
        }
    }

    /// <summary>Between enroll-cycle rounds: unbinds what the previous round bound, so every round starts with the same users.</summary>
    public static async Task ResetEnrollUsersAsync(BenchSettings s, StorageProvider provider, string connection, CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<PortcullisDbContext>();
        StorageServiceCollectionExtensions.Configure(options, new StorageOptions { Provider = provider, ConnectionString = connection });
        await using var db = new PortcullisDbContext(options.Options);
        await db.Factors.Where(f => f.UserId.StartsWith("e0")).ExecuteDeleteAsync(ct);
        await db.EnrollmentRequests.Where(r => r.UserId.StartsWith("e0")).ExecuteDeleteAsync(ct);
        await db.AttemptCounters.Where(c => c.UserId.StartsWith("e0")).ExecuteDeleteAsync(ct);
    }
}
