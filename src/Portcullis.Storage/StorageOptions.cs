using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Microsoft.Extensions.Configuration;

namespace Portcullis.Storage;

public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}

public enum SqliteSynchronous
{
    Normal,
    Full,
}

/// <summary>
/// <c>Portcullis:Storage</c>: which database, and where. Validated at start (the rules below; a provider adds what only its own
/// connection-string parser can tell), before anything opens the database.
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Portcullis:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>For SQLite defaults to <c>Data Source=data/portcullis.db</c>; required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite only: <c>Normal</c> (default; durable across process crashes) or <c>Full</c> (also across power loss; see the
    /// SQLite provider's pragmas).
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Normal;

    public string EffectiveConnectionString => Provider switch
    {
        StorageProvider.Sqlite => string.IsNullOrWhiteSpace(ConnectionString) ? "Data Source=data/portcullis.db" : ConnectionString,
        StorageProvider.PostgreSql => WithAutoPrepare(ConnectionString ?? ""),
    };

    /// <summary>The provider <c>Portcullis:Storage:Provider</c> names, read as the options binder reads it; null for a name it does not know.</summary>
    public static StorageProvider? ConfiguredProvider(IConfiguration configuration)
    {
        var name = configuration[$"{Section}:{nameof(Provider)}"];
        if (string.IsNullOrWhiteSpace(name))
        {
            return StorageProvider.Sqlite;
        }

        return Enum.TryParse<StorageProvider>(name, ignoreCase: true, out var provider) && Enum.IsDefined(provider) ? provider : null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Provider))
        {
            yield return new ValidationResult(UnknownProvider);
            yield break;
        }

        if (Provider == StorageProvider.PostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult($"{Section}:ConnectionString is required when {Section}:Provider is PostgreSql.");
        }
        else if (!IsWellFormed(EffectiveConnectionString))
        {
            yield return new ValidationResult(NotAConnectionString);
        }
    }

    public const string UnknownProvider = $"{Section}:Provider must be Sqlite or PostgreSql.";

    /// <summary>The message of a connection string no parser can read.</summary>
    public const string NotAConnectionString = $"{Section}:ConnectionString is not a valid connection string.";

    private static bool IsWellFormed(string connectionString)
    {
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Statements Npgsql prepares server-side once they have run a few times, unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Npgsql's automatic preparation: a statement run often enough is prepared once per physical connection (and kept across
    /// pooled opens), so PostgreSQL skips parsing and planning it on every verify, sign-in and profile read. EF Core's queries
    /// are parameterised, so the set of distinct statements is small and fixed. An operator's own <c>Max Auto Prepare</c>
    /// (0 turns it off) wins.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return connectionString; // start-up validation reports the malformed string
        }

        var set = builder.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
        return set || builder.Count == 0 ? connectionString : $"{connectionString.TrimEnd(' ', ';')};Max Auto Prepare={DefaultMaxAutoPrepare}";
    }
}
