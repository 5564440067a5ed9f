using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Core.Tokens;

namespace Portcullis.Cli.Commands;

/// <summary>
/// <c>keys list | rotate</c>: token signing keys. A rotation makes a new key current; the former one stays in the JWKS as
/// previous, so tokens it signed keep validating. Running servers pick the new key up within a minute.
/// </summary>
internal static class KeysCommands
{
    public static Command Build(CliContext cli)
    {
        var keys = new Command("keys", "Token signing keys (RS256)");

        var listJson = AppsCommands.JsonOption();
        var list = new Command("list", "The published keys: current first, then previous") { listJson };
        list.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var published = await services.GetRequiredService<ISigningKeyStore>().ListPublishedAsync(ct);
            var views = published.Select(k => new KeyView(k.Kid, k.Status.ToString(), k.CreatedAt, k.RotatedAt)).ToList();
            return parse.GetValue(listJson)
                ? CliOutput.Json<IReadOnlyList<KeyView>>(parse, views, CliJsonContext.Output.IReadOnlyListKeyView)
                : CliOutput.Table(parse, ["KID", "STATUS", "CREATED", "ROTATED"], [.. views.Select(v => new[] { v.Kid, v.Status, CliOutput.Time(v.CreatedAt), CliOutput.Time(v.RotatedAt) })]);
        }));

        var size = new Option<int>("--size") { Description = "RSA modulus size (2048-4096)", DefaultValueFactory = _ => 2048 };
        size.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 2048 or > 4096)
            {
                r.AddError("--size must be between 2048 and 4096.");
            }
        });
        var rotateJson = AppsCommands.JsonOption();
        var rotate = new Command("rotate", "Create a new current key; the current one becomes previous and the previous one retires") { size, rotateJson };
        rotate.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var clock = services.GetRequiredService<TimeProvider>();
            var key = SigningKeyFactory.Create(parse.GetValue(size), services.GetRequiredService<ISecretProtector>(), clock.GetUtcNow());
            await services.GetRequiredService<ISigningKeyStore>().RotateToAsync(key, clock.GetUtcNow(), ct);
            var view = new KeyView(key.Kid, SigningKeyStatus.Current.ToString(), key.CreatedAt, null);
            if (parse.GetValue(rotateJson))
            {
                return CliOutput.Json(parse, view, CliJsonContext.Output.KeyView);
            }

            CliOutput.Out(parse).WriteLine($"kid: {view.Kid} (current; servers use it within a minute)");
            return CliOutput.Success;
        }));

        keys.Subcommands.Add(list);
        keys.Subcommands.Add(rotate);
        return keys;
    }
}
