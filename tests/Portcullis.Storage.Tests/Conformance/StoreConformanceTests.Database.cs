using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>Instants, migrations and the Data Protection key ring: what the database itself must get right.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Instants_RoundTripAsUtcToTheMicrosecond()
    {
        // TimeProvider.System hands out 100 ns ticks; PostgreSQL keeps microseconds, so that is what every provider must keep.
        var token = NewRefreshToken(expiresAt: Start.AddDays(14).AddTicks(9_876_543));
        token = new()
        {
            Id = token.Id,
            TokenHash = token.TokenHash,
            FamilyId = token.FamilyId,
            AppId = token.AppId,
            UserId = token.UserId,
            Scope = token.Scope,
            AuthTime = Start.AddTicks(1),
            CreatedAt = Start.AddTicks(1_234_567),
            ExpiresAt = token.ExpiresAt,
        };
        var consumedAt = Start.AddTicks(7_654_321);
        await Tokens(s => s.AddRefreshTokenAsync(token, Ct));
        await Tokens(s => s.TryConsumeRefreshTokenAsync(token.Id, consumedAt, Ct));

        var found = await Tokens(s => s.FindRefreshTokenAsync(token.TokenHash, Ct));

        Assert.NotNull(found);
        AssertSameInstantInUtc(token.AuthTime, found.AuthTime);
        AssertSameInstantInUtc(token.CreatedAt, found.CreatedAt);
        AssertSameInstantInUtc(token.ExpiresAt, found.ExpiresAt);
        AssertSameInstantInUtc(consumedAt, found.ConsumedAt!.Value);
    }

    [Fact]
    public async Task Instants_MicrosecondsApart_KeepTheirOrderInQueries()
    {
        // Users signing up in the same millisecond must still list in the order they signed up.
        var pool = await CreatePoolAsync();
        var ids = new[] { "cccccccccccccccccccccccc", "bbbbbbbbbbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaaaaaaaaaa" };
        for (var i = 0; i < ids.Length; i++)
        {
            var user = new User { Id = ids[i], PoolId = pool.Id, CreatedAt = Start.AddTicks(i * 10) };
            Assert.True(await Users(s => s.TryCreateAsync(user, Ct)));
        }

        var listed = await Users(s => s.ListAsync(pool.Id, 0, 10, Ct));

        Assert.Equal(ids, listed.Select(u => u.Id));
    }

    [Fact]
    public async Task Migrate_OnAnUpToDateDatabase_ChangesNothing()
    {
        await Host.UseAsync<DatabaseInitializer>(d => d.MigrateAsync(Ct));

        var pending = await Db(db => db.Database.GetPendingMigrationsAsync(Ct));
        var applied = await Db(db => db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Empty(pending);
        Assert.NotEmpty(applied);
    }

    [Fact]
    public async Task Migrations_MatchTheModel()
    {
        // Fails when an entity configuration changed without `dotnet ef migrations add` for this provider.
        Assert.False(await Db(db => Task.FromResult(db.Database.HasPendingModelChanges())),
            $"The {Provider} migrations do not match the model: add a migration to Portcullis.Storage.{Provider}.");
    }

    [Fact]
    public async Task SecretProtector_OnASecondNodeOfTheSameDatabase_UnprotectsWhatTheFirstProtected()
    {
        var first = Resolve<ISecretProtector>();
        var protectedSecret = first.Protect("s3cret-app-secret");
        Assert.NotEqual(0, await Db(db => db.DataProtectionKeys.CountAsync(Ct)));

        await using var secondNode = await StorageHost.StartAsync(Provider, ConnectionString, Clock, Ct);
        var second = secondNode.Services.GetRequiredService<ISecretProtector>();

        Assert.Equal("s3cret-app-secret", second.Unprotect(protectedSecret));
        Assert.Equal("from-the-second-node", first.Unprotect(second.Protect("from-the-second-node")));
    }

    [Fact]
    public async Task DataProtectionKeys_AreStoredEncryptedForTheCertificate()
    {
        Resolve<ISecretProtector>().Protect("s3cret-app-secret");

        var stored = Assert.Single(await Db(db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync(Ct)));

        // The master key appears only inside the XML-encrypted element, so the database alone does not hold it.
        Assert.DoesNotContain("<masterKey", stored, StringComparison.Ordinal);
        Assert.Contains("<encryptedSecret decryptorType=\"Microsoft.AspNetCore.DataProtection.XmlEncryption.EncryptedXmlDecryptor", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretProtector_OnAnotherDatabase_CannotUnprotect()
    {
        // The key ring lives in the database, not on the machine: a node of another deployment cannot read the secrets.
        var protectedSecret = Resolve<ISecretProtector>().Protect("s3cret-app-secret");

        var otherDeployment = await StartNodeAsync(await NewDatabaseAsync());
        var stranger = otherDeployment.Services.GetRequiredService<ISecretProtector>();

        Assert.ThrowsAny<CryptographicException>(() => stranger.Unprotect(protectedSecret));
    }

    private static void AssertSameInstantInUtc(DateTimeOffset expected, DateTimeOffset actual)
    {
        static DateTimeOffset ToMicrosecond(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

        Assert.Equal(TimeSpan.Zero, actual.Offset);
        Assert.Equal(ToMicrosecond(expected).ToString("O"), ToMicrosecond(actual).ToString("O"));
    }
}
