using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors.Face;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary><see cref="IFacePhotoStore"/>: enrolled face photos, encrypted at rest, readable only by their owner.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task SaveFacePhoto_ThenLoad_RoundTripsTheExactBytes()
    {
        // Every byte value, so no text encoding on the way can go unnoticed.
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i % 256)).Concat(RandomNumberGenerator.GetBytes(1000)).ToArray();
        var photo = new FacePhoto(bytes, "image/png", 640, 480);

        var key = await Photos(s => s.SaveAsync("user-1", photo, Ct));

        var loaded = await Photos(s => s.LoadAsync("user-1", key, Ct));
        Assert.NotNull(loaded);
        Assert.Equal(bytes, loaded.Bytes);
        Assert.Equal(("image/png", 640, 480), (loaded.ContentType, loaded.Width, loaded.Height));
    }

    [Fact]
    public async Task SaveFacePhoto_Twice_GivesEachPhotoItsOwnKey()
    {
        var first = await Photos(s => s.SaveAsync("user-1", new FacePhoto([1, 2, 3], "image/jpeg", 1, 1), Ct));
        var second = await Photos(s => s.SaveAsync("user-1", new FacePhoto([4, 5, 6], "image/jpeg", 1, 1), Ct));

        Assert.NotEqual(first, second);
        Assert.Equal([1, 2, 3], (await Photos(s => s.LoadAsync("user-1", first, Ct)))?.Bytes);
        Assert.Equal([4, 5, 6], (await Photos(s => s.LoadAsync("user-1", second, Ct)))?.Bytes);
    }

    [Fact]
    public async Task LoadFacePhoto_OfAnotherUserOrUnknownKey_ReturnsNull()
    {
        var key = await Photos(s => s.SaveAsync("user-1", new FacePhoto(RandomNumberGenerator.GetBytes(64), "image/jpeg", 8, 8), Ct));

        Assert.Null(await Photos(s => s.LoadAsync("user-2", key, Ct)));
        Assert.Null(await Photos(s => s.LoadAsync("user-1", "unknown-key", Ct)));
    }

    [Fact]
    public async Task SaveFacePhoto_StoresNoPlaintext()
    {
        var bytes = RandomNumberGenerator.GetBytes(2048);
        var base64 = Convert.ToBase64String(bytes);
        var key = await Photos(s => s.SaveAsync("user-1", new FacePhoto(bytes, "image/jpeg", 32, 32), Ct));

        var stored = Assert.Single(await Db(db => db.Database
            .SqlQuery<string>($"SELECT \"ProtectedBytes\" AS \"Value\" FROM face_photos WHERE \"Key\" = {key}")
            .ToListAsync(Ct)));

        Assert.NotEmpty(stored);
        Assert.DoesNotContain(base64, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(base64.Substring(1000, 32), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(bytes.AsSpan(500, 300)), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(bytes.AsSpan(0, 32)), stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(System.Buffers.Text.Base64Url.EncodeToString(bytes).Substring(1000, 32), stored, StringComparison.Ordinal);
    }
}
