using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Portcullis.Core.Users;

/// <summary>Canonical forms of account identifiers, so lookups and unique indexes agree. Null means "not a valid identifier".</summary>
public static partial class Normalise
{
    /// <summary>A country calling code as Portcullis takes it everywhere: '+' and 1–4 digits, no leading zero.</summary>
    public const string CallingCodePattern = @"^\+[1-9][0-9]{0,3}$";

    public static bool IsCallingCode(string? value) => value is not null && CallingCode().IsMatch(value);

    public static string? Email(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var trimmed = email.Trim();
        if (trimmed.Length > 254 || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || !trimmed.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        return trimmed.ToLowerInvariant();
    }

    public static string? Username(string? username)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            return null;
        }

        var trimmed = username.Trim();
        return trimmed.Length <= 64 && trimmed.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.')
            ? trimmed.ToLowerInvariant()
            : null;
    }

    public static string? Phone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }

        var digits = new string(phone.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
        return digits.Length is >= 4 and <= 20 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    public static string? For(UserLookup lookup, string value) => lookup switch
    {
        UserLookup.Email => Email(value),
        UserLookup.Username => Username(value),
        UserLookup.Phone => Phone(value),
    };

    [GeneratedRegex(CallingCodePattern)]
    private static partial Regex CallingCode();
}
