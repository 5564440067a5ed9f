using System.Collections.Concurrent;

namespace Portcullis.Storage.Stores;

/// <summary>
/// A short-lived, per-process cache for rows every request reads and operators rarely change (applications, pools). A change
/// made on this node is seen at once; one made elsewhere (the CLI, another node) within <see cref="Lifetime"/>.
/// </summary>
internal sealed class ReadCache<T>(TimeProvider clock)
    where T : class
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (T Value, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public async Task<T?> GetOrLoadAsync(string key, Func<Task<T?>> load)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && entry.Until > now)
        {
            return entry.Value;
        }

        var value = await load();
        if (value is null)
        {
            _entries.TryRemove(key, out _);
        }
        else if (_entries.Count < 10_000)
        {
            _entries[key] = (value, now + Lifetime);
        }

        return value;
    }

    public void Forget(string key) => _entries.TryRemove(key, out _);
}
