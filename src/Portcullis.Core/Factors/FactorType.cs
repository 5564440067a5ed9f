namespace Portcullis.Core.Factors;

/// <summary>
/// A kind of MFA factor, named as it is stored (<c>Otp</c>) and as the wire spells it (<c>OTP</c>: the stored name in capitals).
/// Open rather than an enum: a type exists where an <see cref="IFactorProvider"/> for it is registered, so adding one touches
/// no code here. The four of GenAuth's V3 API are named below.
/// </summary>
public readonly record struct FactorType
{
    public const int MaxNameLength = 16;

    public static readonly FactorType Otp = new("Otp");
    public static readonly FactorType Sms = new("Sms");
    public static readonly FactorType Email = new("Email");
    public static readonly FactorType Face = new("Face");

    public FactorType(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !name.All(char.IsAsciiLetter))
        {
            throw new ArgumentException($"A factor type's name is 1 to {MaxNameLength} ASCII letters: '{name}'.", nameof(name));
        }

        _name = name;
        _wire = name.ToUpperInvariant();
    }

    private readonly string? _name;
    private readonly string? _wire;

    /// <summary>The type stored as <paramref name="name"/>: one of the named instances when it is one, so reading rows allocates nothing.</summary>
    public static FactorType FromName(string name) => name switch
    {
        "Otp" => Otp,
        "Sms" => Sms,
        "Email" => Email,
        "Face" => Face,
        _ => new FactorType(name),
    };

    /// <summary>The stored name (the database's <c>Type</c> columns, the application's enabled list).</summary>
    public string Name => _name ?? throw new InvalidOperationException("An unset factor type.");

    /// <summary>GenAuth's spelling: <c>OTP</c>, <c>SMS</c>, <c>EMAIL</c>, <c>FACE</c>.</summary>
    public string ToWire() => _wire ?? throw new InvalidOperationException("An unset factor type.");

    public override string ToString() => Name;
}
