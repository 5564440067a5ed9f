using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Tokens;

namespace Portcullis.Cli.Commands;

/// <summary>
/// <c>keys list | rotate | retire</c>: token signing keys. A rotation stages a new key: published at once, signing only after
/// <c>Portcullis:Tokens:SigningKeyActivationDelaySeconds</c>, by when every node and every verifier's cached JWKS has it. The
/// former key stays published while a token it signed may be unexpired, so a rotation never signs anybody out.
/// </summary>
internal static class KeysCommands
{
    public static Command Build(CliContext cli)
    {
        var keys = new Command("keys", "Token signing keys (RS256)");
        keys.Subcommands.Add(List(cli));
        keys.Subcommands.Add(Rotate(cli));
        keys.Subcommands.Add(Retire(cli));
        return keys;
    }

    private static Command List(CliContext cli)
    {
        var json = AppsCommands.JsonOption();
        var list = new Command("list", "The published keys and where each stands: staged, current or previous") { json };
        list.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var views = (await services.GetRequiredService<SigningKeyRotation>().ListAsync(ct)).Select(k => View(k.Key, k.Phase)).ToList();
            return parse.GetValue(json)
                ? CliOutput.Json<IReadOnlyList<KeyView>>(parse, views, CliJsonContext.Output.IReadOnlyListKeyView)
                : CliOutput.Table(parse, ["KID", "PHASE", "CREATED", "SIGNS FROM", "SIGNS UNTIL"],
                    [.. views.Select(v => new[] { v.Kid, v.Phase, CliOutput.Time(v.CreatedAt), CliOutput.Time(v.ActivatesAt), CliOutput.Time(v.RotatedAt) })]);
        }));
        return list;
    }

    private static Command Rotate(CliContext cli)
    {
        var size = new Option<int?>("--size") { Description = "RSA modulus size (2048-4096); default Portcullis:Tokens:RsaKeySize" };
        size.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 2048 or > 4096)
            {
                r.AddError("--size must be between 2048 and 4096.");
            }
        });
        var now = new Option<bool>("--now")
        {
            Description = "Sign with the new key at once (a compromised key). Other nodes refuse its tokens until they reload, up to a minute",
        };
        var json = AppsCommands.JsonOption();
        var rotate = new Command("rotate", "Stage a new key: published at once, signing after the activation delay") { size, now, json };
        rotate.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var immediately = parse.GetValue(now);
            var key = await services.GetRequiredService<SigningKeyRotation>().RotateAsync(immediately, parse.GetValue(size), ct);
            var view = View(key, immediately ? SigningKeyPhase.Current : SigningKeyPhase.Staged);
            if (parse.GetValue(json))
            {
                return CliOutput.Json(parse, view, CliJsonContext.Output.KeyView);
            }

            CliOutput.Out(parse).WriteLine(immediately
                ? $"kid: {key.Kid} (current now; nodes that have not reloaded refuse its tokens for up to {TokenOptions.SigningKeyReloadSeconds} s)"
                : $"kid: {key.Kid} (published now, signs from {CliOutput.Time(key.ActivatesAt)})");
            return CliOutput.Success;
        }));
        return rotate;
    }

    private static Command Retire(CliContext cli)
    {
        var kid = new Argument<string>("kid") { Description = "The key to withdraw from the JWKS" };
        var force = new Option<bool>("--force") { Description = "Withdraw it although tokens it signed may be unexpired: their holders are signed out" };
        var retire = new Command("retire", "Withdraw a key that no longer signs (a compromised key, after rotate --now)") { kid, force };
        retire.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var outcome = await services.GetRequiredService<SigningKeyRotation>().RetireAsync(parse.GetValue(kid)!, parse.GetValue(force), ct);
            return outcome switch
            {
                RetireOutcome.Retired => Retired(parse, parse.GetValue(kid)!),
                RetireOutcome.NotPublished => CliOutput.Fail(parse, $"No published key has kid {parse.GetValue(kid)}."),
                RetireOutcome.SignsNowOrNext => CliOutput.Fail(parse, "That key signs now or will sign next: rotate another in first (keys rotate --now)."),
                _ => CliOutput.Fail(parse, "Tokens signed by that key may be unexpired; withdrawing it signs their holders out. Repeat with --force to do so."),
            };
        }));
        return retire;
    }

    private static int Retired(ParseResult parse, string kid)
    {
        CliOutput.Out(parse).WriteLine($"kid {kid} withdrawn; nodes stop accepting its tokens within {TokenOptions.SigningKeyReloadSeconds} s");
        return CliOutput.Success;
    }

    private static KeyView View(SigningKey key, SigningKeyPhase phase) =>
        new(key.Kid, phase.ToString(), key.CreatedAt, key.ActivatesAt, key.RotatedAt);
}
