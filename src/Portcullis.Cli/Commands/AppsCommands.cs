using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Pools;

namespace Portcullis.Cli.Commands;

/// <summary><c>apps create | list | show</c>: applications (OAuth clients) and the pools they live in.</summary>
internal static class AppsCommands
{
    public static Command Build(CliContext cli)
    {
        var apps = new Command("apps", "Manage applications (OAuth clients)");
        apps.Subcommands.Add(Create(cli));
        apps.Subcommands.Add(List(cli));
        apps.Subcommands.Add(Show(cli));
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
        var redirectUris = new Option<string[]>("--redirect-uri") { Description = "Allowed redirect URI (absolute); repeat for several" };
        redirectUris.Validators.Add(r =>
        {
            foreach (var uri in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Uri.TryCreate(uri, UriKind.Absolute, out _))
                {
                    r.AddError($"--redirect-uri '{uri}' is not an absolute URI.");
                }
            }
        });
        var json = JsonOption();

        var command = new Command("create", "Create an application and print its credentials; the secret is shown once") { name, pool, method, redirectUris, json };
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
                RedirectUris: parse.GetValue(redirectUris) ?? []);
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
            output.WriteLine($"appId:        {view.AppId}");
            output.WriteLine($"name:         {view.Name}");
            if (view.AppSecret is not null)
            {
                output.WriteLine($"appSecret:    {view.AppSecret}");
            }

            output.WriteLine($"pool:         {view.PoolName ?? "-"} ({view.PoolId})");
            output.WriteLine($"authMethod:   {view.TokenEndpointAuthMethod}");
            output.WriteLine($"redirectUris: {(view.RedirectUris.Count == 0 ? "-" : string.Join(' ', view.RedirectUris))}");
            output.WriteLine($"factors:      {string.Join(' ', view.EnabledFactors)}");
            output.WriteLine($"createdAt:    {CliOutput.Time(view.CreatedAt)}");
            return CliOutput.Success;
        }));
        return command;
    }

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON" };
}
