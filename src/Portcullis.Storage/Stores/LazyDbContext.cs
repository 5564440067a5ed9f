using Microsoft.Extensions.DependencyInjection;

namespace Portcullis.Storage.Stores;

/// <summary>
/// The request's context, rented from the pool the first time a store needs it. The stores that answer their hot methods with
/// hot statements (<see cref="UserStore"/>, <see cref="FactorStore"/>, <see cref="EnrollmentStore"/>, <see cref="AuditLog"/>)
/// take it this way, so a request that only reads users and factors (a verify, a profile read) rents no context at all.
/// </summary>
internal sealed class LazyDbContext(IServiceProvider scope)
{
    private PortcullisDbContext? _db;

    public PortcullisDbContext Value => _db ??= scope.GetRequiredService<PortcullisDbContext>();
}
