using Portcullis.Core.Factors;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Core.SignIn;

/// <summary>
/// How the first factor of a sign-in was passed: its <c>amr</c> method and, for a code sent to a phone or an address, the factor
/// type that proves the same thing and the recipient the code went to.
/// </summary>
public sealed record FirstFactor(string Method, FactorType? Proves, string? Recipient)
{
    public static readonly FirstFactor Password = new(AuthenticationMethods.Password, null, null);

    /// <summary>A PASSCODE sign-in with a code sent to <paramref name="recipient"/> (an E.164 number or a normalised address).</summary>
    public static FirstFactor PassCode(UserLookup sentTo, string recipient) => sentTo == UserLookup.Phone
        ? new(AuthenticationMethods.Sms, FactorType.Sms, recipient)
        : new(AuthenticationMethods.OneTimeCode, FactorType.Email, recipient);

    /// <summary>The first factor a stored method stands for; without its recipient, it proves no factor.</summary>
    public static FirstFactor Of(string method, string? recipient) => method switch
    {
        AuthenticationMethods.Sms => new(method, FactorType.Sms, recipient),
        AuthenticationMethods.OneTimeCode => new(method, FactorType.Email, recipient),
        _ => Password,
    };

    /// <summary>
    /// Whether <paramref name="factor"/> proves what this first factor already did, so cannot be the second: a factor of the
    /// same kind for the same phone or address (a code to one inbox twice is one factor). An EMAIL factor at another address is a
    /// second factor.
    /// </summary>
    public bool Proved(Factor factor) => factor.Type == Proves && Recipient is not null && factor.Recipient == Recipient;
}
