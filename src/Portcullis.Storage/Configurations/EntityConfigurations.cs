using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Pools;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Configurations;

internal sealed class UserPoolConfiguration : IEntityTypeConfiguration<UserPool>
{
    public void Configure(EntityTypeBuilder<UserPool> b)
    {
        b.ToTable("user_pools");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasMaxLength(64);
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.MfaMode).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(p => p.Name).IsUnique();
    }
}

internal sealed class ApplicationConfiguration : IEntityTypeConfiguration<Application>
{
    public void Configure(EntityTypeBuilder<Application> b)
    {
        b.ToTable("applications");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).HasMaxLength(64);
        b.Property(a => a.PoolId).HasMaxLength(64);
        b.Property(a => a.Name).HasMaxLength(100);
        b.Property(a => a.ProtectedSecret).HasMaxLength(1000);
        b.Property(a => a.TokenEndpointAuthMethod).HasConversion<string>().HasMaxLength(32);
        UriList(b.Property(a => a.RedirectUris));
        UriList(b.Property(a => a.PostLogoutRedirectUris));
        b.Property(a => a.LogoUri).HasMaxLength(RedirectUriRules.MaxLength);
        b.Property(a => a.EnabledFactors)
            .HasConversion(
                v => string.Join(',', v),
                v => v.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(FactorType.FromName).ToList(),
                new ValueComparer<List<FactorType>>((x, y) => x!.SequenceEqual(y!), v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s)), v => v.ToList()))
            .HasMaxLength(100);
        b.Property(a => a.MfaMode).HasConversion<string>().HasMaxLength(16);
        b.HasOne<UserPool>().WithMany().HasForeignKey(a => a.PoolId).OnDelete(DeleteBehavior.Restrict);
    }

    /// <summary>A list of URIs in one column, one per line.</summary>
    private static void UriList(PropertyBuilder<List<string>> property) => property
        .HasConversion(
            v => string.Join('\n', v),
            v => v.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList(),
            new ValueComparer<List<string>>((x, y) => x!.SequenceEqual(y!), v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s)), v => v.ToList()))
        .HasMaxLength(4000);
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).HasMaxLength(64);
        b.Property(u => u.PoolId).HasMaxLength(64);
        b.Property(u => u.Email).HasMaxLength(254);
        b.Property(u => u.Username).HasMaxLength(64);
        b.Property(u => u.Phone).HasMaxLength(20);
        b.Property(u => u.PhoneCountryCode).HasMaxLength(8);
        b.Property(u => u.Nickname).HasMaxLength(100);
        b.Property(u => u.GivenName).HasMaxLength(100);
        b.Property(u => u.FamilyName).HasMaxLength(100);
        b.Property(u => u.Gender).HasMaxLength(8);
        b.Property(u => u.Name).HasMaxLength(ProfileService.MaxNameLength);
        b.Property(u => u.Photo).HasMaxLength(ProfileService.MaxPhotoLength);
        b.Property(u => u.ExternalId).HasMaxLength(ProfileService.MaxExternalIdLength);
        b.Property(u => u.Birthdate).HasMaxLength(10);
        b.Property(u => u.Country).HasMaxLength(ProfileService.MaxNameLength);
        b.Property(u => u.Province).HasMaxLength(ProfileService.MaxNameLength);
        b.Property(u => u.City).HasMaxLength(ProfileService.MaxNameLength);
        b.Property(u => u.Address).HasMaxLength(ProfileService.MaxAddressLength);
        b.Property(u => u.StreetAddress).HasMaxLength(ProfileService.MaxAddressLength);
        b.Property(u => u.PostalCode).HasMaxLength(ProfileService.MaxPostalCodeLength);
        b.Property(u => u.Company).HasMaxLength(ProfileService.MaxNameLength);
        b.Property(u => u.TokenKeptJti).HasMaxLength(64);
        b.Property(u => u.PasswordHash).HasMaxLength(200);
        b.Property(u => u.Status).HasConversion<string>().HasMaxLength(16);

        // NULLs are distinct in unique indexes on both SQLite and PostgreSQL, so optional identifiers stay optional.
        b.HasIndex(u => new { u.PoolId, u.Email }).IsUnique();
        b.HasIndex(u => new { u.PoolId, u.Username }).IsUnique();
        b.HasIndex(u => new { u.PoolId, u.Phone }).IsUnique();
        b.HasOne<UserPool>().WithMany().HasForeignKey(u => u.PoolId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> b)
    {
        b.ToTable("signing_keys");
        b.HasKey(k => k.Kid);
        b.Property(k => k.Kid).HasMaxLength(64);
        b.Property(k => k.ProtectedPrivateKey).HasMaxLength(8000);
        b.HasIndex(k => k.RotatedAt);
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> b)
    {
        b.ToTable("refresh_tokens");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasMaxLength(64);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.Property(t => t.FamilyId).HasMaxLength(64);
        b.Property(t => t.AppId).HasMaxLength(64);
        b.Property(t => t.UserId).HasMaxLength(64);
        b.Property(t => t.Scope).HasMaxLength(1000);
        b.Property(t => t.AccessTokenJti).HasMaxLength(64);
        b.Property(t => t.Amr).HasMaxLength(100);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.FamilyId);
        b.HasIndex(t => t.ExpiresAt);
    }
}

internal sealed class RevokedAccessTokenConfiguration : IEntityTypeConfiguration<RevokedAccessToken>
{
    public void Configure(EntityTypeBuilder<RevokedAccessToken> b)
    {
        b.ToTable("revoked_access_tokens");
        b.HasKey(t => t.Jti);
        b.Property(t => t.Jti).HasMaxLength(64);
        b.Property(t => t.RevokedAt).HasDefaultValue(RevokedAccessToken.Undated);
        b.HasIndex(t => t.ExpiresAt);
        // Every node polls by (RevokedAt, Jti) every few seconds.
        b.HasIndex(t => new { t.RevokedAt, t.Jti });
    }
}

internal sealed class DeploymentSecretConfiguration : IEntityTypeConfiguration<DeploymentSecret>
{
    public void Configure(EntityTypeBuilder<DeploymentSecret> b)
    {
        b.ToTable("deployment_secrets");
        b.HasKey(s => s.Name);
        b.Property(s => s.Name).HasMaxLength(64);
        b.Property(s => s.ProtectedValue).HasMaxLength(2000);
    }
}

internal sealed class AccountTicketConfiguration : IEntityTypeConfiguration<AccountTicket>
{
    public void Configure(EntityTypeBuilder<AccountTicket> b)
    {
        b.ToTable("account_tickets");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasMaxLength(64);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.Property(t => t.PoolId).HasMaxLength(64);
        b.Property(t => t.UserId).HasMaxLength(64);
        b.Property(t => t.Purpose).HasMaxLength(32);
        b.Property(t => t.NewValue).HasMaxLength(254);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.ExpiresAt);
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
