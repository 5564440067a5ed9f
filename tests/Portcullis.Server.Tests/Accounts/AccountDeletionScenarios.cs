using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Factors.Otp;
using Portcullis.Storage;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>A server whose hourly send budgets do not run out under the account tests' codes (they all come from 127.0.0.1).</summary>
public class AccountServer : TestServer
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        new("Portcullis:Delivery:PerIpPerHour", "100000"),
        new("Portcullis:Delivery:PerUserPerHour", "100000"),
    ];
}

/// <summary>Account deletion as a user makes it, run on each database's server.</summary>
public static class AccountDeletionScenarios
{
    public const string DeleteChannel = "CHANNEL_DELETE_ACCOUNT";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A user with an email, a username and a phone (the phone written straight to the row: binding it is another call).</summary>
    public sealed record FullUser(string UserId, string Email, string Username, string Phone);

    public static async Task<FullUser> SignUpWithEmailUsernameAndPhoneAsync(TestServer server, AuthenticationClient client)
    {
        var email = NewEmail();
        var username = "user-" + Guid.NewGuid().ToString("N")[..16];
        var phone = NewPhone();
        var signedUp = await client.SignUpAsync(new SignUpDto
        {
            Connection = Connections.Password,
            PasswordPayload = new SignUpPasswordPayload { Email = email, Username = username, Password = Password },
        }, Ct);
        AssertOk(signedUp);
        var userId = signedUp.Data!.UserId;

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        Assert.Equal(1, await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.Phone, phone).SetProperty(u => u.PhoneCountryCode, "+86").SetProperty(u => u.PhoneVerified, true), Ct));
        return new FullUser(userId, email, username, phone);
    }

    /// <summary>
    /// A user who leaves a trace in every table a user can: sessions and refresh tokens, OTP and SMS factors, a pending EMAIL
    /// enrollment, a finished MFA sign-in, codes and messages to their email and phone, send throttles and budgets, a locked
    /// username and pass-code failures; audit rows with the client's address. They delete the account by an emailed code.
    /// Then no table holds their id, email, phone or username, except their audit rows (by id only, without addresses) and
    /// the one account.deleted row; their tokens are refused; and the email, username and phone sign up again, the username
    /// not locked.
    /// </summary>
    public static async Task DeletionLeavesNothingOfTheUserButAnonymisedAuditRowsAsync(TestServer server)
    {
        using var client = server.Client();
        var user = await SignUpWithEmailUsernameAndPhoneAsync(server, client);
        var firstSession = await SignInAsync(client, user.Email);

        // Ten wrong passwords lock the username; a wrong phone pass code counts against the phone.
        for (var i = 0; i < 10; i++)
        {
            AssertError(await client.SignInByUsernamePasswordAsync(user.Username, "not the password", ct: Ct), 403, ApiCodes.BadCredentials);
        }

        AssertError(await client.SignInByUsernamePasswordAsync(user.Username, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
        AssertOk(await client.SendSmsAsync(user.Phone, "CHANNEL_LOGIN", "+86", Ct));
        var loginCode = server.Outbox.LastTo("+86" + user.Phone)!.Code;
        var wrongCode = await client.SignInAsync(new SignInDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new PassCodePayload { Phone = user.Phone, PhoneCountryCode = "+86", PassCode = Wrong(loginCode) },
        }, Ct);
        AssertError(wrongCode, 400, ApiCodes.CodeWrong);

        // Factors, bound from the first session (it began before them), and an enrollment left pending.
        client.SetAccessToken(firstSession.AccessToken!);
        var (seed, _) = await EnrollOtpAsync(client, server);
        var factorPhone = NewPhone();
        var (smsToken, smsCode) = await StartSmsAsync(client, server, factorPhone);
        AssertOk(await EnrollAsync(client, "SMS", smsToken, smsCode));
        await StartEmailAsync(client, server, NewEmail());

        // A sign-in through the second factor: the session that may delete the account.
        var challenge = await client.SignInByEmailPasswordAsync(user.Email, Password, new SignInOptions { Scope = "openid profile offline_access" }, Ct);
        Assert.Equal(ApiCodes.MfaRequired, challenge.ApiCode);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var mfaSession = await client.VerifyTotpMfaAsync(challenge.MfaChallenge!.MfaToken, TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct);
        AssertOk(mfaSession);
        client.SetAccessToken(mfaSession.Data!.AccessToken);

        Assert.NotEmpty(await DatabaseScan.FindAsync(server, [user.UserId, user.Email, user.Username, user.Phone], Ct));

        AssertOk(await client.SendEmailAsync(user.Email, DeleteChannel, Ct));
        var verified = await client.VerifyDeleteAccountRequestAsync(new VerifyDeleteAccountRequestDto
        {
            VerifyMethod = "EMAIL_PASSCODE",
            EmailPassCodePayload = new DeleteAccountByEmailDto { PassCode = server.Outbox.LastTo(user.Email)!.Code },
        }, Ct);
        AssertOk(verified);
        Assert.Equal(60, verified.Data!.TokenExpiresIn);
        var deleted = await client.DeleteAccountAsync(verified.Data.DeleteAccountToken, Ct);
        AssertOk(deleted);
        Assert.True(deleted.Data!.Success);

        var hits = await DatabaseScan.FindAsync(server, [user.UserId, user.Email, user.Username, user.Phone, factorPhone], Ct);
        var outsideAudit = hits.Where(h => !(h.Table == "audit_events" && h.Column == "UserId" && h.Value == user.UserId)).ToList();
        Assert.True(outsideAudit.Count == 0, "left behind: " + string.Join("; ", outsideAudit));
        await AssertAuditAnonymisedAsync(server, user.UserId);

        await AssertAccessTokenRefusedAsync(client, mfaSession.Data.AccessToken);
        await AssertAccessTokenRefusedAsync(client, firstSession.AccessToken!);
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(firstSession.RefreshToken!, Ct));
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(mfaSession.Data.RefreshToken!, Ct));

        // The identifiers are free again, and the username's lockout went with the account.
        using var again = server.Client();
        var reborn = await SignUpWithSameIdentifiersAsync(server, again, user);
        Assert.NotEqual(user.UserId, reborn);
        AssertOk(await again.SignInByUsernamePasswordAsync(user.Username, Password, ct: Ct));
    }

    /// <summary>The deleted user's audit rows keep their id and no client address; exactly one is account.deleted.</summary>
    public static async Task AssertAuditAnonymisedAsync(TestServer server, string userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        var rows = await db.AuditEvents.AsNoTracking().Where(e => e.UserId == userId).ToListAsync(Ct);
        Assert.True(rows.Count > 1, "the user's audit history stays");
        Assert.All(rows, r => Assert.Null(r.ClientIp));
        var deletion = Assert.Single(rows, r => r.Type == "account.deleted");
        Assert.Equal("deleted", deletion.Outcome);
        Assert.Null(deletion.Detail);
    }

    /// <summary>A new account with the deleted one's email, username and phone; its id.</summary>
    public static async Task<string> SignUpWithSameIdentifiersAsync(TestServer server, AuthenticationClient client, FullUser deleted)
    {
        var signedUp = await client.SignUpAsync(new SignUpDto
        {
            Connection = Connections.Password,
            PasswordPayload = new SignUpPasswordPayload { Email = deleted.Email, Username = deleted.Username, Password = Password },
        }, Ct);
        AssertOk(signedUp);

        // The phone too: a code sign-up to the number creates an account of it.
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        AssertOk(await client.SendSmsAsync(deleted.Phone, "CHANNEL_REGISTER", "+86", Ct));
        AssertOk(await client.SignUpAsync(new SignUpDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new PassCodePayload { Phone = deleted.Phone, PhoneCountryCode = "+86", PassCode = server.Outbox.LastTo("+86" + deleted.Phone)!.Code },
        }, Ct));
        return signedUp.Data!.UserId;
    }

    /// <summary>The plainest deletion: by password, then every token of the user is refused and the email signs up again.</summary>
    public static async Task DeletionByPasswordEndsEverySessionAsync(TestServer server)
    {
        using var client = server.Client();
        using var other = server.Client();
        var (email, userId) = await SignUpAsync(client);
        var kept = await SignInAsync(client, email);
        var second = await SignInAsync(other, email);

        var verified = await client.VerifyDeleteAccountRequestAsync(new VerifyDeleteAccountRequestDto
        {
            VerifyMethod = "PASSWORD",
            PasswordPayload = new DeleteAccountByPasswordDto { Password = Password },
        }, Ct);
        AssertOk(verified);
        AssertOk(await client.DeleteAccountAsync(verified.Data!.DeleteAccountToken, Ct));

        await AssertAccessTokenRefusedAsync(client, kept.AccessToken!);
        await AssertAccessTokenRefusedAsync(other, second.AccessToken!);
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => other.GetNewAccessTokenByRefreshTokenAsync(second.RefreshToken!, Ct));
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.BadCredentials);
        var again = await client.SignUpByEmailPasswordAsync(email, Password, ct: Ct);
        AssertOk(again);
        Assert.NotEqual(userId, again.Data!.UserId);
    }
}
