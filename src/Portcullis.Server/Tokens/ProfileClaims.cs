using Portcullis.Core.Users;

namespace Portcullis.Server.Tokens;

/// <summary>
/// The OpenID Connect standard claims (OIDC Core §5.1) a user's profile gives, the same in ID tokens and at userinfo: the
/// <c>profile</c> scope's names, picture, gender and birthdate, and the <c>address</c> scope's address.
/// </summary>
internal static class ProfileClaims
{
    /// <summary>The full name; the nickname or username when none is set.</summary>
    public static string? Name(User user) => user.Name ?? user.Nickname ?? user.Username;

    /// <summary>OIDC's <c>female</c> and <c>male</c>; GenAuth's <c>U</c> (unknown) gives no claim.</summary>
    public static string? Gender(User user) => user.Gender switch
    {
        "F" => "female",
        "M" => "male",
        _ => null,
    };

    /// <summary>The address claim's members that are set (<c>formatted</c> is GenAuth's free-form address); null when none is.</summary>
    public static Dictionary<string, string>? Address(User user)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(members, "formatted", user.Address);
        Add(members, "street_address", user.StreetAddress);
        Add(members, "locality", user.City);
        Add(members, "region", user.Province);
        Add(members, "postal_code", user.PostalCode);
        Add(members, "country", user.Country);
        return members.Count == 0 ? null : members;
    }

    private static void Add(Dictionary<string, string> members, string name, string? value)
    {
        if (value is not null)
        {
            members[name] = value;
        }
    }
}
