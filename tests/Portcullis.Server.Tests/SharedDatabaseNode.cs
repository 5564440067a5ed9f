using Portcullis.Testing;

namespace Portcullis.Server.Tests;

/// <summary>
/// A node of a deployment: one SQLite file shared with the other nodes, one public address (so one issuer) and one bootstrap
/// application; its own in-memory state and its own fake clock. <paramref name="settings"/> come last, so a key given there
/// (the public URL, say) replaces the one above: the last value of a key wins.
/// </summary>
public sealed class SharedDatabaseNode(string database, string appId, string appSecret, params (string Key, string Value)[] settings) : TestServer
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        new("Portcullis:Storage:ConnectionString", $"Data Source={database}"),
        new("Portcullis:PublicUrl", "https://portcullis.test"),
        new("Portcullis:Bootstrap:AppId", appId),
        new("Portcullis:Bootstrap:AppSecret", appSecret),
        .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)),
    ];
}
