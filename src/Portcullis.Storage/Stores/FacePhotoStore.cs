using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using Portcullis.Storage.Configurations;

namespace Portcullis.Storage.Stores;

internal sealed class FacePhotoStore(PortcullisDbContext db, ISecretProtector protector, TimeProvider clock) : IFacePhotoStore
{
    public async Task<string> SaveAsync(string userId, FaceSample sample, CancellationToken ct)
    {
        var (description, photo, _) = sample;
        var refusal = description.Succeeded ? null : description.Error;
        var record = new FacePhotoRecord
        {
            Key = Ids.NewId(),
            UserId = userId,
            ProtectedDescriptor = description.Succeeded ? ProtectedDescriptors.Protect(protector, description.Value) : null,
            Refusal = refusal?.Kind.ToString(),
            RefusalDetail = refusal?.Detail is { } detail ? detail[..Math.Min(detail.Length, FacePhotoRecord.MaxRefusalDetailLength)] : null,
            ContentType = photo?.ContentType,
            Width = photo?.Width,
            Height = photo?.Height,
            ProtectedBytes = photo is null ? null : protector.Protect(Convert.ToBase64String(photo.Bytes)),
            CreatedAt = clock.GetUtcNow(),
        };
        db.FacePhotos.Add(record);
        await db.SaveChangesAsync(ct);
        db.Entry(record).State = EntityState.Detached;
        return record.Key;
    }

    public async Task<FaceSample?> LoadAsync(string userId, string key, CancellationToken ct)
    {
        var record = await db.FacePhotos.AsNoTracking().FirstOrDefaultAsync(p => p.Key == key && p.UserId == userId, ct);
        if (record is null)
        {
            return null;
        }

        // A row with neither a descriptor nor a refusal was stored before photos were described: it cannot be compared.
        var description = ProtectedDescriptors.Unprotect(protector, record.ProtectedDescriptor) is { } descriptor
            ? Result<FaceDescriptor>.Ok(descriptor)
            : Enum.TryParse<ErrorKind>(record.Refusal, out var kind)
                ? Result<FaceDescriptor>.Fail(kind, record.RefusalDetail)
                : Result<FaceDescriptor>.Fail(ErrorKind.InvalidPhoto, "uploaded before faces were described: upload it again");
        var photo = record.ProtectedBytes is { } bytes
            ? new FacePhoto(Convert.FromBase64String(protector.Unprotect(bytes)), record.ContentType ?? "image/jpeg", record.Width ?? 0, record.Height ?? 0)
            : null;
        return new FaceSample(description, photo, record.Key);
    }
}
