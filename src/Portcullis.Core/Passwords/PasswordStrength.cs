namespace Portcullis.Core.Passwords;

/// <summary>
/// Portcullis's estimate of a password's strength, judged once when it is set (the password is never kept, so the level is
/// stored with the user and answered as <c>passwordSecurityLevel</c>). It is a rough guide for the user, not a gate: every
/// password the policy accepts (8–128 characters) is set whatever its level. Length counts most, as NIST SP 800-63B advises;
/// variety (lower case, upper case, digits, anything else) lifts a shorter password. docs/account-self-service.md has the table.
/// </summary>
public static class PasswordStrength
{
    /// <summary>No password is set (a user who signs in with codes only).</summary>
    public const int None = 0;

    /// <summary>8–11 characters of one or two kinds, or a password of very few distinct characters.</summary>
    public const int Weak = 1;

    /// <summary>12–15 characters, or 8–11 of three or four kinds.</summary>
    public const int Medium = 2;

    /// <summary>16 characters or more, or 12–15 of three or four kinds.</summary>
    public const int Strong = 3;

    /// <summary>Below this many distinct characters a password is weak at any length ("aaaaaaaaaaaaaaaa", "abababab…").</summary>
    public const int MinDistinctCharacters = 5;

    public static int Estimate(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return None;
        }

        var length = password.EnumerateRunes().Count();
        if (password.EnumerateRunes().Distinct().Count() < MinDistinctCharacters)
        {
            return Weak;
        }

        var kinds = Kinds(password);
        return length switch
        {
            >= 16 => Strong,
            >= 12 => kinds >= 3 ? Strong : Medium,
            _ => kinds >= 3 ? Medium : Weak,
        };
    }

    /// <summary>How many of the four kinds of character the password uses: lower case, upper case, digits, anything else.</summary>
    private static int Kinds(string password)
    {
        bool lower = false, upper = false, digit = false, other = false;
        foreach (var c in password)
        {
            if (char.IsLower(c))
            {
                lower = true;
            }
            else if (char.IsUpper(c))
            {
                upper = true;
            }
            else if (char.IsDigit(c))
            {
                digit = true;
            }
            else
            {
                other = true;
            }
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }
}
