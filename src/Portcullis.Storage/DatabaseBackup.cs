namespace Portcullis.Storage;

/// <summary>
/// A backup of the live database (<c>portcullis backup</c>). It holds every secret encrypted by the Data Protection key ring,
/// whose keys are encrypted for the key-encryption certificate: the certificate is not in the backup and must be kept apart
/// from it, or a stolen backup is a readable one, and kept safe, or a restored backup cannot be decrypted.
/// </summary>
public sealed class DatabaseBackup(PortcullisDbContext db)
{
    /// <returns>Null when written; otherwise why this database is not backed up this way.</returns>
    public async Task<string?> WriteAsync(string path, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return $"{full} exists already: a backup never overwrites a file.";
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return await db.Provider.BackupAsync(db, full, ct);
    }
}
