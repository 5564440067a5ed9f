using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using Portcullis.Storage.Configurations;

namespace Portcullis.Storage.Stores;

internal sealed class FacePhotoStore(PortcullisDbContext db, ISecretProtector protector, TimeProvider clock) : IFacePhotoStore
{
    public async Task<string> SaveAsync(string userId, FacePhoto photo, CancellationToken ct)
    {
        var record = new FacePhotoRecord
        {
            Key = Ids.NewId(),
            UserId = userId,
            ContentType = photo.ContentType,
            Width = photo.Width,
            Height = photo.Height,
            ProtectedBytes = protector.Protect(Convert.ToBase64String(photo.Bytes)),
            CreatedAt = clock.GetUtcNow(),
        };
        db.FacePhotos.Add(record);
        await db.SaveChangesAsync(ct);
        db.Entry(record).State = EntityState.Detached;
        return record.Key;
    }

    public async Task<FacePhoto?> LoadAsync(string userId, string key, CancellationToken ct)
    {
        var record = await db.FacePhotos.AsNoTracking().FirstOrDefaultAsync(p => p.Key == key && p.UserId == userId, ct);
        return record is null ? null
            : new FacePhoto(Convert.FromBase64String(protector.Unprotect(record.ProtectedBytes)), record.ContentType, record.Width, record.Height);
    }
}
