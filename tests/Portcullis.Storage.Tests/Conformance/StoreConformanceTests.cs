using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Pools;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// What every storage provider must do, stated once and run against each provider (<see cref="SqliteStoreTests"/>,
/// <see cref="PostgreSqlStoreTests"/>). Every test gets a new, migrated database of its own. Each store call runs in a fresh
/// DI scope, as one HTTP request would, unless a test is about what happens inside one scope.
/// </summary>
public abstract partial class StoreConformanceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly List<string> _databases = [];
    private readonly List<StorageHost> _hosts = [];
    private StorageHost? _host;

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected StorageHost Host => _host ?? throw new InvalidOperationException("The test database is not set up.");

    protected string ConnectionString => _databases[0];

    protected abstract StorageProvider Provider { get; }

    /// <summary>Creates a new, empty database for this provider and returns its connection string.</summary>
    protected abstract Task<string> CreateDatabaseAsync(CancellationToken ct);

    protected abstract Task DeleteDatabaseAsync(string connectionString);

    public async ValueTask InitializeAsync() => _host = await StartNodeAsync(await NewDatabaseAsync());

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        foreach (var database in _databases)
        {
            await DeleteDatabaseAsync(database);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Another empty database, deleted with the test's own.</summary>
    protected async Task<string> NewDatabaseAsync()
    {
        var connectionString = await CreateDatabaseAsync(Ct);
        _databases.Add(connectionString);
        return connectionString;
    }

    /// <summary>Another "server node": its own service provider (own DbContext pool, own Data Protection) on the given database.</summary>
    protected async Task<StorageHost> StartNodeAsync(string connectionString)
    {
        var host = await StorageHost.StartAsync(Provider, connectionString, Clock, Ct);
        _hosts.Add(host);
        return host;
    }

    protected Task<T> Pools<T>(Func<IUserPoolStore, Task<T>> use) => Host.UseAsync(use);

    protected Task<T> Apps<T>(Func<IApplicationStore, Task<T>> use) => Host.UseAsync(use);

    protected Task Apps(Func<IApplicationStore, Task> use) => Host.UseAsync(use);

    protected Task<T> Users<T>(Func<IUserStore, Task<T>> use) => Host.UseAsync(use);

    protected Task Users(Func<IUserStore, Task> use) => Host.UseAsync(use);

    protected Task<T> Keys<T>(Func<ISigningKeyStore, Task<T>> use) => Host.UseAsync(use);

    protected Task Keys(Func<ISigningKeyStore, Task> use) => Host.UseAsync(use);

    protected Task<T> Tokens<T>(Func<ITokenStore, Task<T>> use) => Host.UseAsync(use);

    protected Task Tokens(Func<ITokenStore, Task> use) => Host.UseAsync(use);

    protected Task<T> Factors<T>(Func<IFactorStore, Task<T>> use) => Host.UseAsync(use);

    protected Task<T> Enrollments<T>(Func<IEnrollmentStore, Task<T>> use) => Host.UseAsync(use);

    protected Task Enrollments(Func<IEnrollmentStore, Task> use) => Host.UseAsync(use);

    protected Task<T> Counters<T>(Func<IAttemptCounterStore, Task<T>> use) => Host.UseAsync(use);

    protected Task<T> Checks<T>(Func<ICodeCheckStore, Task<T>> use) => Host.UseAsync(use);

    /// <summary>Runs <paramref name="statements"/> as one code check (one transaction), as the services write every check.</summary>
    protected Task<T> Check<T>(Func<ICodeCheckTransaction, ValueTask<T>> statements) => Checks(s => s.RunAsync(statements, Ct));

    protected Task Check(Func<ICodeCheckTransaction, ValueTask> statements) => Check(async tx =>
    {
        await statements(tx);
        return true;
    });

    /// <summary>Runs <paramref name="count"/> code checks at once, each in its own scope (see <see cref="StorageHost.InParallelAsync"/>).</summary>
    protected Task<T[]> ChecksInParallelAsync<T>(int count, Func<ICodeCheckTransaction, int, ValueTask<T>> statements) =>
        Host.InParallelAsync<ICodeCheckStore, T>(count, (s, i) => s.RunAsync(tx => statements(tx, i), Ct), Ct);

    protected Task<T> Throttle<T>(Func<ISendThrottleStore, Task<T>> use) => Host.UseAsync(use);

    protected Task Throttle(Func<ISendThrottleStore, Task> use) => Host.UseAsync(use);

    protected Task<T> Audit<T>(Func<IAuditLog, Task<T>> use) => Host.UseAsync(use);

    protected Task Audit(Func<IAuditLog, Task> use) => Host.UseAsync(use);

    protected Task<T> Photos<T>(Func<IFacePhotoStore, Task<T>> use) => Host.UseAsync(use);

    /// <summary>Reads the database directly, for facts no port exposes (retired keys, row counts).</summary>
    protected Task<T> Db<T>(Func<PortcullisDbContext, Task<T>> use) => Host.UseAsync(use);

    protected UserPool NewPool(string? name = null) =>
        new() { Id = Ids.NewId(), Name = name ?? "pool-" + Ids.NewId(), CreatedAt = Clock.GetUtcNow() };

    protected async Task<UserPool> CreatePoolAsync(string? name = null)
    {
        var pool = NewPool(name);
        Assert.True(await Pools(s => s.TryCreateAsync(pool, Ct)), "the pool should have been created");
        return pool;
    }

    protected Application NewApp(string poolId, string? id = null, string name = "Console") => new()
    {
        Id = id ?? Ids.NewId(),
        PoolId = poolId,
        Name = name,
        ProtectedSecret = "protected:" + Ids.NewAppSecret(),
        CreatedAt = Clock.GetUtcNow(),
    };

    protected User NewUser(string poolId, string? email = null, string? username = null, string? phone = null) => new()
    {
        Id = Ids.NewId(),
        PoolId = poolId,
        Email = email,
        Username = username,
        Phone = phone,
        PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        CreatedAt = Clock.GetUtcNow(),
        UpdatedAt = Clock.GetUtcNow(),
    };

    protected async Task<User> CreateUserAsync(string poolId, string? email = null, string? username = null, string? phone = null)
    {
        var user = NewUser(poolId, email, username, phone);
        Assert.True(await Users(s => s.TryCreateAsync(user, Ct)), "the user should have been created");
        return user;
    }

    /// <summary>A refresh token as sign-in issues one, with the access token issued alongside (two hours unless given).</summary>
    protected RefreshToken NewRefreshToken(string? familyId = null, DateTimeOffset? expiresAt = null, DateTimeOffset? accessTokenExpiresAt = null,
        string? amr = null, string? userId = null)
    {
        var value = Ids.NewOpaqueToken();
        return new RefreshToken
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(value),
            FamilyId = familyId ?? Ids.NewId(),
            AppId = Ids.NewId(),
            UserId = userId ?? Ids.NewId(),
            Scope = "openid profile offline_access",
            AuthTime = Clock.GetUtcNow().AddMinutes(-5),
            CreatedAt = Clock.GetUtcNow(),
            ExpiresAt = expiresAt ?? Clock.GetUtcNow().AddDays(14),
            AccessTokenJti = Ids.NewId(),
            AccessTokenExpiresAt = accessTokenExpiresAt ?? Clock.GetUtcNow().AddHours(2),
            Amr = amr,
        };
    }

    protected async Task<RefreshToken> AddRefreshTokenAsync(string? familyId = null, DateTimeOffset? expiresAt = null, DateTimeOffset? accessTokenExpiresAt = null)
    {
        var token = NewRefreshToken(familyId, expiresAt, accessTokenExpiresAt);
        await Tokens(s => s.AddRefreshTokenAsync(token, Ct));
        return token;
    }

    /// <summary>A user in a pool of its own: factors reference users (foreign key), the other MFA tables only hold the id.</summary>
    protected async Task<User> CreateMfaUserAsync(string? username = null) =>
        await CreateUserAsync((await CreatePoolAsync()).Id, username: username ?? "user-" + Ids.NewId());

    /// <summary>A pending enrollment as <see cref="EnrollmentService"/> writes one (OTP unless <paramref name="type"/> says), with its token hash.</summary>
    protected EnrollmentRequest NewEnrollment(string userId, FactorType? type = null, DateTimeOffset? expiresAt = null)
    {
        var of = type ?? FactorType.Otp;
        return new()
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(Codes.NewEnrollmentToken()),
            UserId = userId,
            AppId = Ids.NewId(),
            Type = of,
            PhoneNumber = of == FactorType.Sms ? "13800000000" : null,
            PhoneCountryCode = of == FactorType.Sms ? "+86" : null,
            Email = of == FactorType.Email ? "ada@example.com" : null,
            CodeHash = of == FactorType.Sms || of == FactorType.Email ? "hash:" + Ids.NewOpaqueToken() : null,
            ProtectedSecret = of == FactorType.Otp ? "protected:" + Ids.NewOpaqueToken() : null,
            RecoveryCodeHash = of == FactorType.Otp ? "hash:" + Ids.NewOpaqueToken() : null,
            CreatedAt = Clock.GetUtcNow(),
            ExpiresAt = expiresAt ?? Clock.GetUtcNow().AddMinutes(1),
        };
    }

    protected async Task<EnrollmentRequest> AddEnrollmentAsync(string userId, FactorType? type = null, DateTimeOffset? expiresAt = null)
    {
        var request = NewEnrollment(userId, type, expiresAt);
        await Enrollments(s => s.AddAsync(request, Ct));
        return request;
    }

    /// <summary>The width of <c>mfa_factors.ProtectedSecret</c>, which holds an OTP seed or a FACE descriptor once protected.</summary>
    protected const int FactorSecretColumnLength = 2000;

    /// <summary>The factor a completed enrollment of <paramref name="type"/> (OTP unless given) binds.</summary>
    protected Factor NewFactor(string userId, FactorType? type = null, DateTimeOffset? createdAt = null, string? id = null)
    {
        var of = type ?? FactorType.Otp;
        return new()
        {
            Id = id ?? Ids.NewId(),
            UserId = userId,
            AppId = Ids.NewId(),
            Type = of,
            PhoneNumber = of == FactorType.Sms ? "13800000000" : null,
            PhoneCountryCode = of == FactorType.Sms ? "+86" : null,
            Email = of == FactorType.Email ? "ada@example.com" : null,
            // FACE: a protected descriptor, as long as the column allows (the longest descriptor is shorter once protected).
            ProtectedSecret = of == FactorType.Otp ? "protected:" + Ids.NewOpaqueToken()
                : of == FactorType.Face ? "protected:" + new string('d', FactorSecretColumnLength - "protected:".Length)
                : null,
            LastAcceptedStep = of == FactorType.Otp ? 59_000_000 : null,
            RecoveryCodeHash = of == FactorType.Otp ? "hash:" + Ids.NewOpaqueToken() : null,
            PhotoKey = of == FactorType.Face ? Ids.NewId() : null,
            PhotoHash = of == FactorType.Face ? new string('a', 64) : null,
            CreatedAt = createdAt ?? Clock.GetUtcNow(),
        };
    }

    /// <summary>Binds a factor of <paramref name="type"/> through a fresh enrollment, in a code check as the enrollment service does.</summary>
    protected async Task<Factor> BindFactorAsync(string userId, FactorType? type = null, DateTimeOffset? createdAt = null, string? id = null)
    {
        var request = await AddEnrollmentAsync(userId, type);
        var factor = NewFactor(userId, type, createdAt, id);
        Assert.Equal(BindOutcome.Bound, await Check(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), factor)));
        return factor;
    }

    /// <summary>The enrollment straight from the table (the port only finds it by token hash, which the tests know anyway).</summary>
    protected Task<EnrollmentRequest?> FindEnrollmentAsync(EnrollmentRequest request) =>
        Enrollments(s => s.FindByTokenHashAsync(request.TokenHash, Ct));

    /// <summary>A key that signs from <paramref name="activatesIn"/> from now (at once by default).</summary>
    protected SigningKey NewKey(TimeSpan activatesIn = default) => new()
    {
        Kid = Ids.NewId(),
        ProtectedPrivateKey = "protected:" + Ids.NewOpaqueToken(),
        CreatedAt = Clock.GetUtcNow(),
        ActivatesAt = Clock.GetUtcNow() + activatesIn,
    };

    /// <summary>Every signing key straight from the table (retired keys included), by kid.</summary>
    protected Task<Dictionary<string, SigningKey>> AllKeysAsync() =>
        Db(db => db.SigningKeys.AsNoTracking().ToDictionaryAsync(k => k.Kid, Ct));

    protected T Resolve<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();
}
