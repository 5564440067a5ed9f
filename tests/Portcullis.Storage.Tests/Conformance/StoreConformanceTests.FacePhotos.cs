using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// <see cref="IFacePhotoStore"/>: face samples (a descriptor or the describer's refusal, and a photo only where photos are
/// kept), encrypted at rest, readable only by their owner.
/// </summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>A descriptor of 128 values, a different one for each <paramref name="seed"/>.</summary>
    private static FaceDescriptor ADescriptor(int seed = 1) =>
        new([.. Enumerable.Range(0, 128).Select(i => (float)Math.Sin(seed * 1000 + i) / 4)]);

    private static FaceSample Described(FacePhoto? photo = null, int seed = 1) => new(Result<FaceDescriptor>.Ok(ADescriptor(seed)), photo);

    [Fact]
    public async Task SaveFaceSample_ThenLoad_RoundTripsTheDescriptorAndTheExactPhotoBytes()
    {
        // Every byte value, so no text encoding on the way can go unnoticed.
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i % 256)).Concat(RandomNumberGenerator.GetBytes(1000)).ToArray();

        var key = await Photos(s => s.SaveAsync("user-1", Described(new FacePhoto(bytes, "image/png", 640, 480)), Ct));

        var loaded = await Photos(s => s.LoadAsync("user-1", key, Ct));
        Assert.NotNull(loaded);
        Assert.Equal(key, loaded.Key);
        Assert.Equal(ADescriptor().Values, loaded.Description.Value.Values);
        Assert.Equal(bytes, loaded.Photo?.Bytes);
        Assert.Equal(("image/png", 640, 480), (loaded.Photo!.ContentType, loaded.Photo.Width, loaded.Photo.Height));
    }

    [Fact]
    public async Task SaveFaceSample_WithoutAPhoto_StoresNoPhoto()
    {
        var key = await Photos(s => s.SaveAsync("user-1", Described(), Ct));

        var loaded = await Photos(s => s.LoadAsync("user-1", key, Ct));
        Assert.Null(loaded?.Photo);
        Assert.Equal(ADescriptor().Values, loaded?.Description.Value.Values);
        Assert.Null(Assert.Single(await Db(db => db.Database
            .SqlQuery<string?>($"SELECT \"ProtectedBytes\" AS \"Value\" FROM face_photos WHERE \"Key\" = {key}")
            .ToListAsync(Ct))));
    }

    [Theory]
    [InlineData(ErrorKind.NoFaceFound, null)]
    [InlineData(ErrorKind.MoreThanOneFace, "3 faces")]
    public async Task SaveFaceSample_OfARefusedPhoto_LoadsTheRefusal(ErrorKind kind, string? detail)
    {
        var key = await Photos(s => s.SaveAsync("user-1", new FaceSample(Result<FaceDescriptor>.Fail(kind, detail), null), Ct));

        var loaded = await Photos(s => s.LoadAsync("user-1", key, Ct));

        Assert.False(loaded?.Description.Succeeded);
        Assert.Equal(new Error(kind, detail), loaded?.Description.Error);
    }

    [Fact]
    public async Task SaveFaceSample_Twice_GivesEachSampleItsOwnKey()
    {
        var first = await Photos(s => s.SaveAsync("user-1", Described(new FacePhoto([1, 2, 3], "image/jpeg", 1, 1), seed: 1), Ct));
        var second = await Photos(s => s.SaveAsync("user-1", Described(new FacePhoto([4, 5, 6], "image/jpeg", 1, 1), seed: 2), Ct));

        Assert.NotEqual(first, second);
        Assert.Equal([1, 2, 3], (await Photos(s => s.LoadAsync("user-1", first, Ct)))?.Photo?.Bytes);
        Assert.Equal(ADescriptor(2).Values, (await Photos(s => s.LoadAsync("user-1", second, Ct)))?.Description.Value.Values);
    }

    [Fact]
    public async Task LoadFaceSample_OfAnotherUserOrUnknownKey_ReturnsNull()
    {
        var key = await Photos(s => s.SaveAsync("user-1", Described(new FacePhoto(RandomNumberGenerator.GetBytes(64), "image/jpeg", 8, 8)), Ct));

        Assert.Null(await Photos(s => s.LoadAsync("user-2", key, Ct)));
        Assert.Null(await Photos(s => s.LoadAsync("user-1", "unknown-key", Ct)));
    }

    [Fact]
    public async Task SaveFaceSample_StoresNoPlaintext_OfThePhotoOrTheDescriptor()
    {
        var bytes = RandomNumberGenerator.GetBytes(2048);
        var base64 = Convert.ToBase64String(bytes);
        var descriptor = ADescriptor().ToBytes();
        var key = await Photos(s => s.SaveAsync("user-1", Described(new FacePhoto(bytes, "image/jpeg", 32, 32)), Ct));

        var stored = Assert.Single(await Db(db => db.Database
            .SqlQuery<string>($"SELECT \"ProtectedBytes\" || ' ' || \"ProtectedDescriptor\" AS \"Value\" FROM face_photos WHERE \"Key\" = {key}")
            .ToListAsync(Ct)));

        Assert.NotEmpty(stored);
        Assert.DoesNotContain(base64, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(base64.Substring(1000, 32), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(bytes.AsSpan(500, 300)), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(bytes.AsSpan(0, 32)), stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(System.Buffers.Text.Base64Url.EncodeToString(bytes).Substring(1000, 32), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(descriptor.AsSpan(0, 48)), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(descriptor.AsSpan(0, 32)), stored, StringComparison.OrdinalIgnoreCase);
    }
}
