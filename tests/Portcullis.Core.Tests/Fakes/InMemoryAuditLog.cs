using Portcullis.Core.Audit;

namespace Portcullis.Core.Tests.Fakes;

public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly Lock _lock = new();
    private readonly List<AuditEvent> _events = [];

    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public Task WriteAsync(AuditEvent auditEvent, CancellationToken ct)
    {
        lock (_lock)
        {
            _events.Add(auditEvent);
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<AuditEvent>> ListForUserAsync(string userId, int take, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<AuditEvent>>([.. _events.Where(e => e.UserId == userId).Reverse().Take(take)]);
        }
    }
}
