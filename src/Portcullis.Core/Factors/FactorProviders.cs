using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;

namespace Portcullis.Core.Factors;

/// <summary>
/// A factor type this server knows, in the order its provider was registered, and the service it cannot work without (FACE:
/// a face describer; SMS and EMAIL: a sender for their channel), if any.
/// </summary>
public sealed record KnownFactorType(FactorType Type, Type? Requires = null);

public static class FactorProviderRegistration
{
    /// <summary>
    /// Makes <paramref name="type"/> a factor type of this server, served by <typeparamref name="TProvider"/>; offered only
    /// where <paramref name="requires"/> is registered too, when given.
    /// </summary>
    public static IServiceCollection AddFactorProvider<TProvider>(this IServiceCollection services, FactorType type, Type? requires = null)
        where TProvider : class, IFactorProvider
    {
        services.AddSingleton(new KnownFactorType(type, requires));
        services.AddKeyedScoped<IFactorProvider, TProvider>(type.Name);
        return services;
    }
}

/// <summary>
/// The factor types this server knows and which of them an application offers: those it enables that are available here. A
/// provider is resolved only when its type is used, so a TOTP check (or a sign-in reading the policy) does not build the SMS
/// sender's graph.
/// </summary>
public sealed class FactorProviders(FactorTypeCatalog catalog, IServiceProvider services)
{
    /// <summary>Not named TryParse: minimal APIs would then take a handler parameter of this type for a value to bind from the route.</summary>
    public bool TryParseWire(string? wire, out FactorType type) => catalog.TryParseWire(wire, out type);

    public IFactorProvider For(FactorType type) => catalog.IsKnown(type)
        ? services.GetRequiredKeyedService<IFactorProvider>(type.Name)
        : throw new InvalidOperationException($"No factor provider is registered for {type}.");

    /// <summary>Whether this server can offer the type at all, whatever applications enable (FACE: only with a face describer registered).</summary>
    public bool IsAvailable(FactorType type) => catalog.IsAvailable(type);

    public bool IsOffered(Application app, FactorType type) => app.EnabledFactors.Contains(type) && catalog.IsAvailable(type);

    /// <summary>The types <paramref name="app"/> offers, in registration order.</summary>
    public IEnumerable<FactorType> OfferedBy(Application app) => catalog.Types.Where(t => IsOffered(app, t));
}

/// <summary>The registered factor types, by wire name; one provider per type.</summary>
public sealed class FactorTypeCatalog
{
    private readonly Dictionary<string, FactorType> _byWire = new(StringComparer.Ordinal);
    private readonly HashSet<FactorType> _available = [];

    public FactorTypeCatalog(IEnumerable<KnownFactorType> known, IServiceProviderIsService registered)
    {
        var all = known.ToList();
        Types = [.. all.Select(k => k.Type)];
        foreach (var (type, requires) in all)
        {
            if (!_byWire.TryAdd(type.ToWire(), type))
            {
                throw new InvalidOperationException($"Two factor providers are registered for {type.ToWire()}.");
            }

            if (requires is null || registered.IsService(requires))
            {
                _available.Add(type);
            }
        }
    }

    public IReadOnlyList<FactorType> Types { get; }

    public bool IsKnown(FactorType type) => _byWire.TryGetValue(type.ToWire(), out var registered) && registered == type;

    public bool IsAvailable(FactorType type) => _available.Contains(type);

    /// <summary>The type of a wire name (<c>OTP</c>, <c>SMS</c>…); false for a type this server does not know.</summary>
    public bool TryParseWire(string? wire, out FactorType type)
    {
        type = default;
        return wire is not null && _byWire.TryGetValue(wire, out type);
    }
}
