using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.SignIn;

namespace Portcullis.Storage.Configurations;

internal sealed class FactorConfiguration : IEntityTypeConfiguration<Factor>
{
    public void Configure(EntityTypeBuilder<Factor> b)
    {
        b.ToTable("mfa_factors");
        b.HasKey(f => f.Id);
        b.Property(f => f.Id).HasMaxLength(64);
        b.Property(f => f.UserId).HasMaxLength(64);
        b.Property(f => f.AppId).HasMaxLength(64);
        b.Property(f => f.Type).HasConversion(FactorTypeColumn.Converter).HasMaxLength(FactorType.MaxNameLength);
        b.Property(f => f.PhoneNumber).HasMaxLength(20);
        b.Property(f => f.PhoneCountryCode).HasMaxLength(8);
        b.Property(f => f.Email).HasMaxLength(254);
        // An OTP seed, or a FACE descriptor of up to FaceDescriptor.MaxValues floats (1,947 characters once protected; 128: 1,030).
        b.Property(f => f.ProtectedSecret).HasMaxLength(2000);
        b.Property(f => f.RecoveryCodeHash).HasMaxLength(200);
        b.Property(f => f.PhotoKey).HasMaxLength(64);
        b.Property(f => f.PhotoHash).HasMaxLength(64);

        // One factor per type per user: the database, not a racy read, refuses a second one.
        b.HasIndex(f => new { f.UserId, f.Type }).IsUnique();
        b.HasOne<Core.Users.User>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EnrollmentRequestConfiguration : IEntityTypeConfiguration<EnrollmentRequest>
{
    public void Configure(EntityTypeBuilder<EnrollmentRequest> b)
    {
        b.ToTable("mfa_enrollment_requests");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasMaxLength(64);
        b.Property(r => r.TokenHash).HasMaxLength(64);
        b.Property(r => r.UserId).HasMaxLength(64);
        b.Property(r => r.AppId).HasMaxLength(64);
        b.Property(r => r.Type).HasConversion(FactorTypeColumn.Converter).HasMaxLength(FactorType.MaxNameLength);
        b.Property(r => r.PhoneNumber).HasMaxLength(20);
        b.Property(r => r.PhoneCountryCode).HasMaxLength(8);
        b.Property(r => r.Email).HasMaxLength(254);
        b.Property(r => r.CodeHash).HasMaxLength(200);
        b.Property(r => r.ProtectedSecret).HasMaxLength(1000);
        b.Property(r => r.RecoveryCodeHash).HasMaxLength(200);
        b.HasIndex(r => r.TokenHash).IsUnique();
        b.HasIndex(r => r.ExpiresAt);
    }
}

internal sealed class AttemptCounterConfiguration : IEntityTypeConfiguration<AttemptCounter>
{
    public void Configure(EntityTypeBuilder<AttemptCounter> b)
    {
        b.ToTable("mfa_attempt_counters");
        b.HasKey(c => new { c.UserId, c.Scope });
        b.Property(c => c.UserId).HasMaxLength(64);
        b.Property(c => c.Scope).HasMaxLength(16);
    }
}

internal sealed class SendSlotConfiguration : IEntityTypeConfiguration<SendSlot>
{
    public void Configure(EntityTypeBuilder<SendSlot> b)
    {
        b.ToTable("send_slots");
        b.HasKey(s => s.Key);
        b.Property(s => s.Key).HasMaxLength(300);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.UserId).HasMaxLength(64);
        b.Property(e => e.AppId).HasMaxLength(64);
        b.Property(e => e.FactorType).HasMaxLength(16);
        b.Property(e => e.Outcome).HasMaxLength(64);
        b.Property(e => e.Detail).HasMaxLength(500);
        b.Property(e => e.ClientIp).HasMaxLength(64);
        b.HasIndex(e => new { e.UserId, e.At });
    }
}

internal sealed class FacePhotoRecordConfiguration : IEntityTypeConfiguration<FacePhotoRecord>
{
    public void Configure(EntityTypeBuilder<FacePhotoRecord> b)
    {
        b.ToTable("face_photos");
        b.HasKey(p => p.Key);
        b.Property(p => p.Key).HasMaxLength(64);
        b.Property(p => p.UserId).HasMaxLength(64);
        b.Property(p => p.ContentType).HasMaxLength(64);
        b.Property(p => p.Refusal).HasMaxLength(64);
        b.Property(p => p.RefusalDetail).HasMaxLength(FacePhotoRecord.MaxRefusalDetailLength);
        b.HasIndex(p => p.UserId);
    }
}

/// <summary>The last time a message went to one recipient on one channel.</summary>
internal sealed class SendSlot
{
    public required string Key { get; init; }

    public DateTimeOffset LastSentAt { get; set; }
}

/// <summary>
/// A face sample (an uploaded photo, or one kept at enrollment): what the face describer made of it and, only where photos are
/// kept, the photo. The descriptor and the photo are encrypted (biometric data is a secret at rest).
/// </summary>
internal sealed class FacePhotoRecord
{
    public const int MaxRefusalDetailLength = 200;

    public required string Key { get; init; }

    public required string UserId { get; init; }

    /// <summary>The descriptor of the photo's one face (<see cref="Core.Factors.Face.ProtectedDescriptors"/>); null when there is none.</summary>
    public string? ProtectedDescriptor { get; init; }

    /// <summary>Why the describer gave no descriptor: the <see cref="Core.Common.ErrorKind"/>'s name (NoFaceFound, MoreThanOneFace) and its detail.</summary>
    public string? Refusal { get; init; }

    public string? RefusalDetail { get; init; }

    /// <summary>The re-encoded photo and its size, only when photos are kept (<see cref="Core.Factors.Face.FaceOptions.KeepPhotos"/>).</summary>
    public string? ContentType { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    public string? ProtectedBytes { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A factor type is stored as its name (<c>Otp</c>, <c>Sms</c>…).</summary>
internal static class FactorTypeColumn
{
    public static readonly ValueConverter<FactorType, string> Converter = new(t => t.Name, name => FactorType.FromName(name));
}

internal sealed class MfaSessionConfiguration : IEntityTypeConfiguration<MfaSession>
{
    public void Configure(EntityTypeBuilder<MfaSession> b)
    {
        b.ToTable("mfa_sessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.TokenHash).HasMaxLength(64);
        b.Property(s => s.PoolId).HasMaxLength(64);
        b.Property(s => s.AppId).HasMaxLength(64);
        b.Property(s => s.UserId).HasMaxLength(64);
        b.Property(s => s.FirstFactor).HasMaxLength(16);
        b.Property(s => s.FirstFactorRecipient).HasMaxLength(254);
        b.Property(s => s.Scope).HasMaxLength(1000);
        b.Property(s => s.ProtectedEnrollmentToken).HasMaxLength(1000);
        b.HasIndex(s => s.TokenHash).IsUnique();
        b.HasIndex(s => s.ExpiresAt);
        b.HasOne<Core.Users.User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
