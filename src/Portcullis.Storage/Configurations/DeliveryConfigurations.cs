using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portcullis.Core.Delivery;

namespace Portcullis.Storage.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).HasMaxLength(64);
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(8);
        b.Property(m => m.Recipient).HasMaxLength(254);
        b.Property(m => m.PhoneCountryCode).HasMaxLength(8);
        b.Property(m => m.PhoneNumber).HasMaxLength(20);
        b.Property(m => m.Channel).HasMaxLength(64);
        b.Property(m => m.Language).HasMaxLength(16);
        b.Property(m => m.ProtectedCode).HasMaxLength(1000);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.LastError).HasMaxLength(500);
        b.Property(m => m.LeaseToken).HasMaxLength(64);
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasIndex(m => m.CreatedAt);
    }
}

internal sealed class PassCodeConfiguration : IEntityTypeConfiguration<PassCode>
{
    public void Configure(EntityTypeBuilder<PassCode> b)
    {
        b.ToTable("pass_codes");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.PoolId).HasMaxLength(64);
        b.Property(c => c.Channel).HasMaxLength(64);
        b.Property(c => c.Recipient).HasMaxLength(254);
        b.Property(c => c.CodeHash).HasMaxLength(200);
        b.HasIndex(c => new { c.PoolId, c.Channel, c.Recipient, c.CreatedAt });
        b.HasIndex(c => c.ExpiresAt);
    }
}

internal sealed class RateCounterConfiguration : IEntityTypeConfiguration<RateCounter>
{
    public void Configure(EntityTypeBuilder<RateCounter> b)
    {
        b.ToTable("rate_counters");
        b.HasKey(c => c.Key);
        b.Property(c => c.Key).HasMaxLength(300);
        b.HasIndex(c => c.WindowEnd);
    }
}

/// <summary>One fixed window of a rate budget (the key names the window).</summary>
internal sealed class RateCounter
{
    public required string Key { get; init; }

    public int Count { get; set; }

    public DateTimeOffset WindowEnd { get; init; }
}
