using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Pools;

namespace Portcullis.Cli.Commands;

/// <summary><c>apps create | list | show | mfa</c>: applications (OAuth clients), the pools they live in, and their MFA policy.</summary>
internal static class AppsCommands
{
    public static Command Build(CliContext cli)
    {
        var apps = new Command("apps", "Manage applications (OAuth clients)");
        apps.Subcommands.Add(Create(cli));
        apps.Subcommands.Add(List(cli));
        apps.Subcommands.Add(Show(cli));
        apps.Subcommands.Add(Mfa(cli));
        return apps;
    }

    private static Command Create(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "Display name (1-100 characters)", Required = true };
        name.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { Length: <= 100 } value || string.IsNullOrWhiteSpace(value))
            {
                r.AddError("--name must be 1-100 characters and not blank.");
            }
        });
        var pool = new Option<string>("--pool")
        {
            Description = "User pool name; created when it does not exist",
            DefaultValueFactory = _ => ApplicationService.DefaultPoolName,
        };
        pool.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { Length: > 0 and <= 100 } value || string.IsNullOrWhiteSpace(value))
            {
                r.AddError("--pool must be 1-100 characters and not blank.");
            }
        });
        var method = new Option<string>("--auth-method")
        {
            Description = "How the client authenticates at the token endpoint",
            DefaultValueFactory = _ => TokenEndpointAuthMethod.ClientSecretPost.ToWire(),
        }.AcceptOnlyFromAmong(
            TokenEndpointAuthMethod.ClientSecretPost.ToWire(),
            TokenEndpointAuthMethod.ClientSecretBasic.ToWire(),
            TokenEndpointAuthMethod.None.ToWire());
        var redirectUris = UriListOption("--redirect-uri", "Allowed redirect URI (absolute http(s), no fragment); repeat for several");
        var postLogoutRedirectUris = UriListOption("--post-logout-redirect-uri",
            "Where sign-out may return the browser (absolute http(s), no fragment); repeat for several");
        var logo = new Option<string>("--logo-uri") { Description = "The logo the hosted sign-in pages show (absolute https URI)" };
        logo.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } value && !RedirectUriRules.IsLogo(value))
            {
                r.AddError($"--logo-uri '{value}' must be an absolute https URI.");
            }
        });
        var json = JsonOption();

        var command = new Command("create", "Create an application and print its credentials; the secret is shown once")
        {
            name, pool, method, redirectUris, postLogoutRedirectUris, logo, json
        };
        command.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            if (!TokenEndpointAuthMethods.TryParse(parse.GetValue(method), out var authMethod))
            {
                return CliOutput.Fail(parse, "invalid argument: --auth-method");
            }

            var request = new NewApplication(
                parse.GetValue(name)!,
                PoolName: parse.GetValue(pool)!.Trim(),
                AuthMethod: authMethod,
                RedirectUris: parse.GetValue(redirectUris) ?? [],
                PostLogoutRedirectUris: parse.GetValue(postLogoutRedirectUris) ?? [],
                LogoUri: parse.GetValue(logo));
            var created = await services.GetRequiredService<ApplicationService>().CreateAsync(request, ct);
            if (!created.Succeeded)
            {
                return CliOutput.Fail(parse, created.Error!);
            }

            var (app, createdPool, secret) = (created.Value.Application, created.Value.Pool, created.Value.Secret);
            if (parse.GetValue(json))
            {
                return CliOutput.Json(parse, AppView.From(app, createdPool, secret), CliJsonContext.Output.AppView);
            }

            var output = CliOutput.Out(parse);
            output.WriteLine($"appId:      {app.Id}");
            output.WriteLine($"appSecret:  {secret}");
            output.WriteLine($"pool:       {createdPool.Name} ({createdPool.Id})");
            output.WriteLine($"authMethod: {app.TokenEndpointAuthMethod.ToWire()}");
            output.WriteLine();
            output.WriteLine("Store the secret now: it is kept encrypted and shown again only with 'apps show --show-secret'.");
            return CliOutput.Success;
        }));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var json = JsonOption();
        var command = new Command("list", "List applications") { json };
        command.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var service = services.GetRequiredService<ApplicationService>();
            var pools = new Dictionary<string, UserPool?>();
            var views = new List<AppView>();
            foreach (var app in await service.ListAsync(ct))
            {
                if (!pools.TryGetValue(app.PoolId, out var pool))
                {
                    pools[app.PoolId] = pool = await service.FindPoolAsync(app.PoolId, ct);
                }

                views.Add(AppView.From(app, pool));
            }

            return parse.GetValue(json)
                ? CliOutput.Json<IReadOnlyList<AppView>>(parse, views, CliJsonContext.Output.IReadOnlyListAppView)
                : CliOutput.Table(parse, ["APP ID", "NAME", "POOL", "AUTH METHOD", "CREATED"],
                    [.. views.Select(v => new[] { v.AppId, v.Name, v.PoolName ?? v.PoolId, v.TokenEndpointAuthMethod, CliOutput.Time(v.CreatedAt) })]);
        }));
        return command;
    }

    private static Command Show(CliContext cli)
    {
        var appId = new Argument<string>("appId") { Description = "The application's id" };
        var showSecret = new Option<bool>("--show-secret") { Description = "Decrypt and print the application secret" };
        var json = JsonOption();
        var command = new Command("show", "Show one application") { appId, showSecret, json };
        command.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var service = services.GetRequiredService<ApplicationService>();
            if (await service.FindAsync(parse.GetValue(appId)!, ct) is not { } app)
            {
                return CliOutput.Fail(parse, new Error(ErrorKind.AppNotFound));
            }

            var view = AppView.From(app, await service.FindPoolAsync(app.PoolId, ct), parse.GetValue(showSecret) ? service.RevealSecret(app) : null);
            if (parse.GetValue(json))
            {
                return CliOutput.Json(parse, view, CliJsonContext.Output.AppView);
            }

            var output = CliOutput.Out(parse);
            output.WriteLine($"appId:                  {view.AppId}");
            output.WriteLine($"name:                   {view.Name}");
            if (view.AppSecret is not null)
            {
                output.WriteLine($"appSecret:              {view.AppSecret}");
            }

            output.WriteLine($"pool:                   {view.PoolName ?? "-"} ({view.PoolId})");
            output.WriteLine($"authMethod:             {view.TokenEndpointAuthMethod}");
            output.WriteLine($"redirectUris:           {UriList(view.RedirectUris)}");
            output.WriteLine($"postLogoutRedirectUris: {UriList(view.PostLogoutRedirectUris)}");
            output.WriteLine($"logoUri:                {view.LogoUri ?? "-"}");
            output.WriteLine($"factors:                {string.Join(' ', view.EnabledFactors)}");
            output.WriteLine($"createdAt:              {CliOutput.Time(view.CreatedAt)}");
            return CliOutput.Success;
        }));
        return command;
    }

    private static Command Mfa(CliContext cli)
    {
        string[] modes = [.. Enum.GetValues<MfaMode>().Select(MfaPolicy.ToWire)];
        var appId = new Argument<string>("appId") { Description = "The application's id" };
        var mode = new Option<string>("--mode") { Description = "When sign-in asks for a second factor; 'pool' follows the pool's default" }
            .AcceptOnlyFromAmong([.. modes, "pool"]);
        var factors = new Option<string[]>("--factors")
        {
            Description = "The factor types the application offers and counts at sign-in (e.g. OTP SMS EMAIL)",
            AllowMultipleArgumentsPerToken = true,
        };
        var poolMode = new Option<string>("--pool-mode") { Description = "The default mode of the application's pool" }.AcceptOnlyFromAmong(modes);
        var json = JsonOption();
        var command = new Command("mfa", "Show or change an application's MFA policy (docs/sign-in-mfa.md)") { appId, mode, factors, poolMode, json };
        command.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var service = services.GetRequiredService<ApplicationService>();
            var catalog = services.GetRequiredService<FactorTypeCatalog>();
            List<FactorType>? types = null;
            if (parse.GetValue(factors) is { Length: > 0 } names)
            {
                types = [];
                foreach (var name in names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                {
                    if (!catalog.TryParseWire(name.ToUpperInvariant(), out var type))
                    {
                        return CliOutput.Fail(parse, $"unknown factor type '{name}' (known: {string.Join(' ', catalog.Types.Select(t => t.ToWire()))})");
                    }

                    types.Add(type);
                }
            }

            var id = parse.GetValue(appId)!;
            var newMode = parse.GetValue(mode);
            var newPoolMode = parse.GetValue(poolMode);
            if (newMode is not null || types is not null || newPoolMode is not null)
            {
                var changed = await service.SetMfaAsync(id, MfaPolicy.TryParseMode(newMode, out var parsedMode) ? parsedMode : null, newMode == "pool", types,
                    MfaPolicy.TryParseMode(newPoolMode, out var parsedPoolMode) ? parsedPoolMode : null, ct);
                if (!changed.Succeeded)
                {
                    return CliOutput.Fail(parse, changed.Error!);
                }
            }

            if (await service.FindAsync(id, ct) is not { } app || await service.FindPoolAsync(app.PoolId, ct) is not { } pool)
            {
                return CliOutput.Fail(parse, new Error(ErrorKind.AppNotFound));
            }

            var view = new MfaPolicyView(app.Id, MfaPolicy.ToWire(app.MfaMode ?? pool.MfaMode), app.MfaMode is null, MfaPolicy.ToWire(pool.MfaMode),
                [.. app.EnabledFactors.Select(f => f.ToWire())]);
            if (parse.GetValue(json))
            {
                return CliOutput.Json(parse, view, CliJsonContext.Output.MfaPolicyView);
            }

            var output = CliOutput.Out(parse);
            output.WriteLine($"appId:    {view.AppId}");
            output.WriteLine($"mode:     {view.Mode}{(view.FollowsPool ? " (the pool's default)" : "")}");
            output.WriteLine($"poolMode: {view.PoolMode}");
            output.WriteLine($"factors:  {string.Join(' ', view.Factors)}");
            return CliOutput.Success;
        }));
        return command;
    }

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON" };

    /// <summary>A repeatable URI option, checked by the rule <see cref="ApplicationService"/> applies (<see cref="RedirectUriRules.IsRegistrable"/>) so the refusal names the option.</summary>
    private static Option<string[]> UriListOption(string name, string description)
    {
        var option = new Option<string[]>(name) { Description = description };
        option.Validators.Add(r =>
        {
            foreach (var uri in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (!RedirectUriRules.IsRegistrable(uri))
                {
                    r.AddError($"{name} '{uri}' must be an absolute http(s) URI without a fragment.");
                }
            }
        });
        return option;
    }

    private static string UriList(IReadOnlyList<string> uris) => uris.Count == 0 ? "-" : string.Join(' ', uris);
}
