using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Tests.Fakes;

/// <summary>The ports a test does not exercise: any call fails the test loudly.</summary>
public sealed class Unused : IEnrollmentStore, ISendThrottleStore, ISmsSender, IEmailSender, IFacePhotoSource, IFacePhotoStore, ICodeCheckStore
{
    public static readonly Unused Instance = new();

    Task IEnrollmentStore.AddAsync(EnrollmentRequest request, CancellationToken ct) => throw Called();

    Task<EnrollmentRequest?> IEnrollmentStore.FindByTokenHashAsync(string tokenHash, CancellationToken ct) => throw Called();

    Task<int> IEnrollmentStore.PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct) => throw Called();

    Task<TimeSpan?> ISendThrottleStore.TryAcquireAsync(string key, TimeSpan interval, DateTimeOffset now, CancellationToken ct) => throw Called();

    Task ISendThrottleStore.ReleaseAsync(string key, DateTimeOffset acquiredAt, CancellationToken ct) => throw Called();

    Task ISmsSender.SendAsync(SmsMessage message, CancellationToken ct) => throw Called();

    Task IEmailSender.SendAsync(EmailMessage message, CancellationToken ct) => throw Called();

    Task<Result<FaceSample>> IFacePhotoSource.LoadAsync(string userId, string photo, bool isExternal, CancellationToken ct) => throw Called();

    Task<string> IFacePhotoStore.SaveAsync(string userId, FaceSample sample, CancellationToken ct) => throw Called();

    Task<FaceSample?> IFacePhotoStore.LoadAsync(string userId, string key, CancellationToken ct) => throw Called();

    Task<T> ICodeCheckStore.RunAsync<T>(Func<ICodeCheckTransaction, ValueTask<T>> work, CancellationToken ct) => throw Called();

    private static NotSupportedException Called() => new("This port is not part of the test.");
}
