using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portcullis.Core.Applications;
using Portcullis.Core.SignIn;

namespace Portcullis.Storage.Configurations;

internal sealed class AuthorizationCodeConfiguration : IEntityTypeConfiguration<AuthorizationCode>
{
    public void Configure(EntityTypeBuilder<AuthorizationCode> b)
    {
        b.ToTable("authorization_codes");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.CodeHash).HasMaxLength(64);
        b.Property(c => c.AppId).HasMaxLength(64);
        b.Property(c => c.UserId).HasMaxLength(64);
        b.Property(c => c.SessionId).HasMaxLength(64);
        b.Property(c => c.RedirectUri).HasMaxLength(RedirectUriRules.MaxLength);
        b.Property(c => c.Scope).HasMaxLength(1000);
        b.Property(c => c.Nonce).HasMaxLength(512);
        b.Property(c => c.CodeChallenge).HasMaxLength(128);
        b.Property(c => c.Amr).HasMaxLength(100);
        b.Property(c => c.AccessTokenJti).HasMaxLength(64);
        b.HasIndex(c => c.CodeHash).IsUnique();
        b.HasIndex(c => c.ExpiresAt);
        b.HasOne<Core.Users.User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BrowserSessionConfiguration : IEntityTypeConfiguration<BrowserSession>
{
    public void Configure(EntityTypeBuilder<BrowserSession> b)
    {
        b.ToTable("browser_sessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.TokenHash).HasMaxLength(64);
        b.Property(s => s.PoolId).HasMaxLength(64);
        b.Property(s => s.UserId).HasMaxLength(64);
        b.Property(s => s.Amr).HasMaxLength(100);
        b.Property(s => s.FirstFactorRecipient).HasMaxLength(254);
        b.HasIndex(s => s.TokenHash).IsUnique();
        b.HasIndex(s => s.ExpiresAt);
        b.HasOne<Core.Users.User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
