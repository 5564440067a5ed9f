using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;

namespace Portcullis.Core.Factors;

/// <summary>A factor type this server knows, in the order its provider was registered.</summary>
public sealed record KnownFactorType(FactorType Type);

public static class FactorProviderRegistration
{
    /// <summary>Makes <paramref name="type"/> a factor type of this server, served by <typeparamref name="TProvider"/>.</summary>
    public static IServiceCollection AddFactorProvider<TProvider>(this IServiceCollection services, FactorType type)
        where TProvider : class, IFactorProvider
    {
        services.AddSingleton(new KnownFactorType(type));
        services.AddKeyedScoped<IFactorProvider, TProvider>(type.Name);
        return services;
    }
}

/// <summary>
/// The factor types this server knows and which of them an application offers: those it enables whose provider is available
/// here. A provider is resolved only when its type is used, so a TOTP check does not build the SMS sender's graph.
/// </summary>
public sealed class FactorProviders(FactorTypeCatalog catalog, IServiceProvider services)
{
    /// <summary>Not named TryParse: minimal APIs would then take a handler parameter of this type for a value to bind from the route.</summary>
    public bool TryParseWire(string? wire, out FactorType type) => catalog.TryParseWire(wire, out type);

    public IFactorProvider For(FactorType type) => catalog.IsKnown(type)
        ? services.GetRequiredKeyedService<IFactorProvider>(type.Name)
        : throw new InvalidOperationException($"No factor provider is registered for {type}.");

    public bool IsOffered(Application app, FactorType type) => app.EnabledFactors.Contains(type) && catalog.IsKnown(type) && For(type).IsAvailable;

    /// <summary>The types <paramref name="app"/> offers, in registration order.</summary>
    public IEnumerable<FactorType> OfferedBy(Application app) => catalog.Types.Where(t => IsOffered(app, t));
}

/// <summary>The registered factor types, by wire name; one provider per type.</summary>
public sealed class FactorTypeCatalog
{
    private readonly Dictionary<string, FactorType> _byWire = new(StringComparer.Ordinal);

    public FactorTypeCatalog(IEnumerable<KnownFactorType> known)
    {
        Types = [.. known.Select(k => k.Type)];
        foreach (var type in Types)
        {
            if (!_byWire.TryAdd(type.ToWire(), type))
            {
                throw new InvalidOperationException($"Two factor providers are registered for {type.ToWire()}.");
            }
        }
    }

    public IReadOnlyList<FactorType> Types { get; }

    public bool IsKnown(FactorType type) => _byWire.ContainsKey(type.ToWire());

    /// <summary>The type of a wire name (<c>OTP</c>, <c>SMS</c>…); false for a type this server does not know.</summary>
    public bool TryParseWire(string? wire, out FactorType type)
    {
        type = default;
        return wire is not null && _byWire.TryGetValue(wire, out type);
    }
}
