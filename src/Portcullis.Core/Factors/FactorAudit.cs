using Portcullis.Core.Audit;

namespace Portcullis.Core.Factors;

/// <summary>The audit event of a factor operation: who, through which application, which factor type, the outcome.</summary>
public static class FactorAudit
{
    public static AuditEvent New(TimeProvider clock, string userId, string appId, string factorType, string eventType, string outcome, string? detail = null) => new()
    {
        At = clock.GetUtcNow(),
        Type = eventType,
        UserId = userId,
        AppId = appId,
        FactorType = factorType,
        Outcome = outcome,
        Detail = detail,
    };
}
