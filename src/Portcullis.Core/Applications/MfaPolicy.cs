using Portcullis.Core.Factors;
using Portcullis.Core.Pools;

namespace Portcullis.Core.Applications;

/// <summary>When sign-in asks for a second factor.</summary>
public enum MfaMode
{
    /// <summary>Never: a first factor alone signs in.</summary>
    Off,

    /// <summary>Users who have bound a factor that counts must answer it; the others sign in with the first factor.</summary>
    Optional,

    /// <summary>Every user: one with no factor that counts binds one during sign-in.</summary>
    Required,
}

/// <summary>
/// The MFA rule of sign-in to one application: its own mode, or its pool's when it has none, and the factor types that count,
/// which are the types the application offers (<see cref="Factors.FactorProviders.OfferedBy"/>).
/// </summary>
public sealed record MfaPolicy(MfaMode Mode, IReadOnlyList<FactorType> Factors)
{
    public const MfaMode DefaultMode = MfaMode.Optional;

    public static MfaPolicy Of(Application app, UserPool pool, IEnumerable<FactorType> offered) =>
        new(app.MfaMode ?? pool.MfaMode, [.. offered]);

    /// <summary>The user's factors that answer this policy, in the order the types are offered.</summary>
    public IReadOnlyList<Factor> Counting(IEnumerable<Factor> bound)
    {
        var byType = bound.ToDictionary(f => f.Type);
        return [.. Factors.Where(byType.ContainsKey).Select(t => byType[t])];
    }

    public static string ToWire(MfaMode mode) => mode.ToString().ToLowerInvariant();

    public static bool TryParseMode(string? wire, out MfaMode mode)
    {
        mode = default;
        return wire is not null && Enum.TryParse(wire, ignoreCase: true, out mode) && Enum.IsDefined(mode) && !int.TryParse(wire, out _);
    }
}
