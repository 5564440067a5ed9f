using System.Reflection;
using System.Text;
using Portcullis.Core.Common;

namespace Portcullis.Core.Passwords;

/// <summary>
/// The rule every password that is set meets (NIST SP 800-63B §3.1.1.2): 8 to 128 characters, any characters, no composition
/// rules; not on the shipped blocklist of common and breached passwords; and not the account's own email, its local part,
/// username or phone. Compared case-insensitively, so <c>PASSWORD1</c> is as refused as <c>password1</c>.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    private static readonly Lazy<HashSet<string>> Blocklist = new(LoadBlocklist);

    /// <summary>How many passwords the shipped blocklist holds (loading it if it is not yet).</summary>
    public static int BlocklistSize => Blocklist.Value.Count;

    /// <summary>Null when <paramref name="password"/> may be set for an account known by <paramref name="accountIdentifiers"/>.</summary>
    public static Error? Check(string password, params ReadOnlySpan<string?> accountIdentifiers)
    {
        if (password.Length is < MinLength or > MaxLength)
        {
            return new Error(ErrorKind.WeakPassword, $"{MinLength}-{MaxLength}");
        }

        var folded = password.ToLowerInvariant();
        if (Blocklist.Value.Contains(folded))
        {
            return new Error(ErrorKind.CommonPassword);
        }

        foreach (var identifier in accountIdentifiers)
        {
            if (identifier is { Length: > 0 } && (string.Equals(password, identifier, StringComparison.OrdinalIgnoreCase) || folded == LocalPart(identifier)))
            {
                return new Error(ErrorKind.CommonPassword);
            }
        }

        return null;
    }

    /// <summary>Loads the blocklist now, so the first password set does not wait for it.</summary>
    public static void Preload() => _ = Blocklist.Value;

    private static string? LocalPart(string identifier) =>
        identifier.IndexOf('@') is > 0 and var at ? identifier[..at].ToLowerInvariant() : null;

    private static HashSet<string> LoadBlocklist()
    {
        const string name = "Portcullis.Core.Passwords.common-passwords.txt";
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The password blocklist {name} is not embedded in {typeof(PasswordPolicy).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                passwords.Add(line);
            }
        }

        return passwords;
    }
}
