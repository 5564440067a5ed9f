using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Audit;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary><see cref="IAuditLog"/>: security events, listed per user, newest first.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task WriteAuditEvent_ThenList_RoundTripsEveryField()
    {
        var written = NewAuditEvent("user-1", Start.AddSeconds(1), AuditTypes.LockedOut, detail: "until 2026-03-01T08:15:00Z");

        await Audit(s => s.WriteAsync(written, Ct));

        var listed = Assert.Single(await Audit(s => s.ListForUserAsync("user-1", 10, Ct)));
        Assert.True(listed.Id > 0, "the database assigns the id");
        Assert.Equivalent(written, listed, strict: true);
    }

    [Fact]
    public async Task ListAuditEvents_ReturnsTheUsersEventsNewestFirst()
    {
        var events = new List<AuditEvent>();
        for (var i = 0; i < 4; i++)
        {
            var own = NewAuditEvent("user-1", Start.AddSeconds(i), i % 2 == 0 ? AuditTypes.VerifyFailed : AuditTypes.Verified);
            events.Add(own);
            await Audit(s => s.WriteAsync(own, Ct));
            await Audit(s => s.WriteAsync(NewAuditEvent("user-2", Start.AddSeconds(i), AuditTypes.Verified), Ct));
        }

        await Audit(s => s.WriteAsync(NewAuditEvent(null, Start, AuditTypes.VerifyFailed), Ct));

        var listed = await Audit(s => s.ListForUserAsync("user-1", 10, Ct));

        Assert.Equal(events.Select(e => (e.At, e.Type)).Reverse(), listed.Select(e => (e.At, e.Type)));
        Assert.All(listed, e => Assert.Equal("user-1", e.UserId));
        Assert.Equal(4, (await Audit(s => s.ListForUserAsync("user-2", 10, Ct))).Count);
        Assert.Empty(await Audit(s => s.ListForUserAsync("user-3", 10, Ct)));
    }

    [Fact]
    public async Task ListAuditEvents_TakesAtMostTheNewest()
    {
        for (var i = 0; i < 5; i++)
        {
            await Audit(s => s.WriteAsync(NewAuditEvent("user-1", Start.AddSeconds(i), AuditTypes.VerifyFailed), Ct));
        }

        var listed = await Audit(s => s.ListForUserAsync("user-1", 2, Ct));

        Assert.Equal([Start.AddSeconds(4), Start.AddSeconds(3)], listed.Select(e => e.At));
        Assert.Empty(await Audit(s => s.ListForUserAsync("user-1", 0, Ct)));
    }

    [Fact]
    public async Task WriteAuditEvent_InParallel_KeepsEveryEvent()
    {
        await Host.InParallelAsync<IAuditLog, bool>(16, async (s, i) =>
        {
            await s.WriteAsync(NewAuditEvent("user-1", Start.AddSeconds(i), AuditTypes.VerifyFailed, detail: $"caller {i}"), Ct);
            return true;
        }, Ct);

        var listed = await Audit(s => s.ListForUserAsync("user-1", 100, Ct));
        Assert.Equal(16, listed.Select(e => e.Id).Distinct().Count());
        Assert.Equal(16, listed.Select(e => e.Detail).Distinct().Count());
        Assert.Equal(16, await Db(db => db.AuditEvents.CountAsync(Ct)));
    }

    private static AuditEvent NewAuditEvent(string? userId, DateTimeOffset at, string type, string? detail = null) => new()
    {
        At = at,
        Type = type,
        UserId = userId,
        AppId = "app-1",
        FactorType = "OTP",
        Outcome = type == AuditTypes.Verified ? "verified" : "wrong code",
        Detail = detail,
    };
}
