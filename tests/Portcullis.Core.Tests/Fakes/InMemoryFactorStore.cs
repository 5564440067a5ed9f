using Portcullis.Core.Applications;
using Portcullis.Core.Factors;

namespace Portcullis.Core.Tests.Fakes;

/// <summary>An <see cref="IFactorStore"/> under one lock; the TOTP step advances by compare-and-set like the real one.</summary>
public sealed class InMemoryFactorStore : IFactorStore
{
    private readonly Lock _lock = new();
    private readonly List<Factor> _factors = [];

    public void Add(Factor factor)
    {
        lock (_lock)
        {
            _factors.Add(factor);
        }
    }

    public Task<Factor?> FindOfTypeOrFirstAsync(string userId, FactorType type, CancellationToken ct)
    {
        lock (_lock)
        {
            var mine = _factors.Where(f => f.UserId == userId).ToList();
            return Task.FromResult(mine.FirstOrDefault(f => f.Type == type) ?? mine.OrderBy(f => f.CreatedAt).FirstOrDefault());
        }
    }

    public Task<Factor?> FindBoundBeforeAsync(string userId, DateTimeOffset before, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(_factors.FirstOrDefault(f => f.UserId == userId && f.CreatedAt < before));
        }
    }

    public Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Factor>>([.. _factors.Where(f => f.UserId == userId)]);
        }
    }

    public Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(_factors.SingleOrDefault(f => f.UserId == userId && f.Id == factorId));
        }
    }

    public Task<Factor?> FindByTypeAsync(string userId, FactorType type, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(_factors.SingleOrDefault(f => f.UserId == userId && f.Type == type));
        }
    }

    public Task<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_factors.Any(f => f.UserId == factor.UserId && f.Type == factor.Type))
            {
                return Task.FromResult(BindOutcome.AlreadyBound);
            }

            _factors.Add(factor);
            return Task.FromResult(BindOutcome.Bound);
        }
    }

    public Task<bool> DeleteAsync(string userId, string factorId, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(_factors.RemoveAll(f => f.UserId == userId && f.Id == factorId) == 1);
        }
    }

    public Task<bool> TryAdvanceTotpStepAsync(string factorId, long step, CancellationToken ct)
    {
        lock (_lock)
        {
            var factor = _factors.SingleOrDefault(f => f.Id == factorId);
            if (factor is null || (factor.LastAcceptedStep is { } last && step <= last))
            {
                return Task.FromResult(false);
            }

            factor.LastAcceptedStep = step;
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash, CancellationToken ct)
    {
        lock (_lock)
        {
            var factor = _factors.SingleOrDefault(f => f.Id == factorId);
            if (factor is null || factor.RecoveryCodeHash != expectedHash)
            {
                return Task.FromResult(false);
            }

            factor.RecoveryCodeHash = newHash;
            return Task.FromResult(true);
        }
    }
}
