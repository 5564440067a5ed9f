using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Users;

namespace Portcullis.Cli.Commands;

/// <summary><c>users create | list</c>: users of the pool an application belongs to.</summary>
internal static class UsersCommands
{
    public const int MaxTake = 1000;

    public static Command Build(CliContext cli)
    {
        var users = new Command("users", "Manage the users of an application's pool");
        users.Subcommands.Add(Create(cli));
        users.Subcommands.Add(List(cli));
        return users;
    }

    private static Command Create(CliContext cli)
    {
        var app = AppOption();
        var email = new Option<string>("--email") { Description = "Email address" };
        var username = new Option<string>("--username") { Description = "Username" };
        var password = new Option<string>("--password") { Description = "Password (8-128 characters); visible to other local users, prefer --password-stdin" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input" };
        var json = AppsCommands.JsonOption();
        email.Validators.Add(r =>
        {
            if (Normalise.Email(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError("--email is not a valid email address.");
            }
        });
        username.Validators.Add(r =>
        {
            if (Normalise.Username(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError("--username allows up to 64 letters, digits, '_', '-' and '.'.");
            }
        });

        var command = new Command("create", "Create a user with a password in the application's pool") { app, email, username, password, passwordStdin, json };
        command.Validators.Add(r =>
        {
            if (r.GetResult(email) is null && r.GetResult(username) is null)
            {
                r.AddError("--email or --username is required.");
            }

            if ((r.GetResult(password) is null) == !r.GetValue(passwordStdin))
            {
                r.AddError("Exactly one of --password and --password-stdin is required.");
            }
        });
        command.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var secret = parse.GetValue(passwordStdin) ? await cli.Input.ReadLineAsync(ct) : parse.GetValue(password);
            if (string.IsNullOrEmpty(secret))
            {
                return CliOutput.Fail(parse, "no password given");
            }

            if (await services.GetRequiredService<ApplicationService>().FindAsync(parse.GetValue(app)!, ct) is not { } found)
            {
                return CliOutput.Fail(parse, new Error(ErrorKind.AppNotFound));
            }

            var signUp = new PasswordSignUp(secret, parse.GetValue(email), parse.GetValue(username), null, null, null);
            var created = await services.GetRequiredService<AccountService>().SignUpWithPasswordAsync(found.PoolId, signUp, ct);
            if (!created.Succeeded)
            {
                return CliOutput.Fail(parse, created.Error!);
            }

            var view = UserView.From(created.Value);
            if (parse.GetValue(json))
            {
                return CliOutput.Json(parse, view, CliJsonContext.Output.UserView);
            }

            var output = CliOutput.Out(parse);
            output.WriteLine($"userId:   {view.UserId}");
            output.WriteLine($"poolId:   {view.PoolId}");
            output.WriteLine($"email:    {view.Email ?? "-"}");
            output.WriteLine($"username: {view.Username ?? "-"}");
            return CliOutput.Success;
        }));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var app = AppOption();
        var skip = new Option<int>("--skip") { Description = "Users to skip (oldest first)", DefaultValueFactory = _ => 0 };
        skip.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--skip must be 0 or more.");
            }
        });
        var take = new Option<int>("--take") { Description = $"Users to list (1-{MaxTake})", DefaultValueFactory = _ => 50 };
        take.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > MaxTake)
            {
                r.AddError($"--take must be between 1 and {MaxTake}.");
            }
        });
        var json = AppsCommands.JsonOption();

        var command = new Command("list", "List the users of the application's pool, oldest first") { app, skip, take, json };
        command.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            if (await services.GetRequiredService<ApplicationService>().FindAsync(parse.GetValue(app)!, ct) is not { } found)
            {
                return CliOutput.Fail(parse, new Error(ErrorKind.AppNotFound));
            }

            var users = await services.GetRequiredService<IUserStore>().ListAsync(found.PoolId, parse.GetValue(skip), parse.GetValue(take), ct);
            var views = users.Select(UserView.From).ToList();
            return parse.GetValue(json)
                ? CliOutput.Json<IReadOnlyList<UserView>>(parse, views, CliJsonContext.Output.IReadOnlyListUserView)
                : CliOutput.Table(parse, ["USER ID", "EMAIL", "USERNAME", "STATUS", "LOGINS", "CREATED"],
                    [.. views.Select(v => new[] { v.UserId, v.Email, v.Username, v.Status, v.LoginsCount.ToString(System.Globalization.CultureInfo.InvariantCulture), CliOutput.Time(v.CreatedAt) })]);
        }));
        return command;
    }

    private static Option<string> AppOption() => new("--app") { Description = "The application's id; its pool holds the users", Required = true };
}
