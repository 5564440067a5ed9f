using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portcullis.Core.Applications;
using Portcullis.Core.Pools;
using Portcullis.Core.Users;

namespace Portcullis.Cli;

/// <summary>
/// An application as the CLI prints it. Built field by field from the domain object, so the protected secret can never
/// leak into output; <see cref="AppSecret"/> is the clear secret, present only right after creation or with --show-secret.
/// </summary>
internal sealed record AppView(
    string AppId,
    string Name,
    string PoolId,
    string? PoolName,
    string TokenEndpointAuthMethod,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    IReadOnlyList<string> EnabledFactors,
    DateTimeOffset CreatedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AppSecret { get; init; }

    /// <summary>Left out when the application has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LogoUri { get; init; }

    public static AppView From(Application app, UserPool? pool, string? secret = null) => new(
        app.Id,
        app.Name,
        app.PoolId,
        pool?.Name,
        app.TokenEndpointAuthMethod.ToWire(),
        app.RedirectUris,
        app.PostLogoutRedirectUris,
        [.. app.EnabledFactors.Select(f => f.ToWire())],
        app.CreatedAt)
    {
        AppSecret = secret,
        LogoUri = app.LogoUri,
    };
}

/// <summary>An application's MFA policy as the CLI prints it: the mode in force and whether it is the pool's default.</summary>
internal sealed record MfaPolicyView(string AppId, string Mode, bool FollowsPool, string PoolMode, IReadOnlyList<string> Factors);

/// <summary>A user as the CLI prints it: the names of the server's UserDto, and never the password hash.</summary>
internal sealed record UserView(
    string UserId,
    string PoolId,
    string? Email,
    bool EmailVerified,
    string? Username,
    string? Phone,
    string? Nickname,
    string Status,
    int LoginsCount,
    DateTimeOffset? LastLogin,
    DateTimeOffset CreatedAt)
{
    public static UserView From(User user) => new(
        user.Id,
        user.PoolId,
        user.Email,
        user.EmailVerified,
        user.Username,
        user.Phone,
        user.Nickname,
        user.Status.ToString(),
        user.LoginsCount,
        user.LastLogin,
        user.CreatedAt);
}

/// <summary>An outbox message as operators see it: never the code.</summary>
internal sealed record OutboxView(string Id, string Kind, string Recipient, string Channel, string Status, int Attempts, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt)
{
    public static OutboxView From(Portcullis.Core.Delivery.OutboxMessage m) => new(
        m.Id, m.Kind.ToString().ToUpperInvariant(), m.Recipient, m.Channel, m.Status.ToString(), m.Attempts, m.LastError, m.CreatedAt, m.SentAt);
}

internal sealed record KeyView(string Kid, string Phase, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt, DateTimeOffset? RotatedAt);

/// <summary>What <c>keyring encrypt</c> did: keys rewritten, keys stored, and the certificate they are now encrypted for.</summary>
internal sealed record KeyRingView(int Rewritten, int Total, string Certificate);

[JsonSerializable(typeof(KeyRingView))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(IReadOnlyList<KeyView>))]
[JsonSerializable(typeof(OutboxView))]
[JsonSerializable(typeof(IReadOnlyList<OutboxView>))]
[JsonSerializable(typeof(AppView))]
[JsonSerializable(typeof(IReadOnlyList<AppView>))]
[JsonSerializable(typeof(MfaPolicyView))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(IReadOnlyList<UserView>))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>camelCase, indented, and no HTML escaping: the output goes to a terminal or a pipe, never into a page.</summary>
    public static CliJsonContext Output { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
