using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Core.Audit;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>
/// The settings the contact tests run with: the shortest send interval (a flow sends several codes to one recipient and the
/// tests step the clock past it) and hourly budgets no test reaches (every code of the class comes from one address).
/// </summary>
public static class ContactServerSettings
{
    public const int SendIntervalSeconds = 10;

    public static IEnumerable<KeyValuePair<string, string?>> Configuration =>
    [
        new("Portcullis:Mfa:SendIntervalSeconds", SendIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Portcullis:Delivery:PerIpPerHour", "100000"),
        new("Portcullis:Delivery:PerUserPerHour", "100000"),
    ];
}

public sealed class ContactSqliteServer : TestServer
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => ContactServerSettings.Configuration;
}

/// <summary>The same server on PostgreSQL (a database of its own on the assembly's throwaway cluster).</summary>
public sealed class ContactPostgreSqlServer(PostgreSqlServer postgres) : PostgreSqlTestServer(postgres)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => ContactServerSettings.Configuration;
}

/// <summary>Intent helpers for the email and phone tests: users of each kind, codes as the outbox saw them, the clock.</summary>
public sealed class ContactScenarios(TestServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Steps the clock past the one-code-per-recipient interval.</summary>
    public void PassSendInterval() => server.Clock.Advance(TimeSpan.FromSeconds(ContactServerSettings.SendIntervalSeconds + 1));

    public async Task<string> EmailCodeAsync(AuthenticationClient client, string email, string channel)
    {
        AssertOk(await client.SendEmailAsync(email, channel, Ct));
        return server.Outbox.LastTo(email)?.Code ?? throw new InvalidOperationException("no email recorded");
    }

    public async Task<string> SmsCodeAsync(AuthenticationClient client, string phone, string channel, string countryCode = "+86")
    {
        AssertOk(await client.SendSmsAsync(phone, channel, countryCode, Ct));
        return server.Outbox.LastTo(countryCode + phone)?.Code ?? throw new InvalidOperationException("no SMS recorded");
    }

    /// <summary>A user signed up by email and password, signed in on <paramref name="client"/>; the email is not verified.</summary>
    public static async Task<(string Email, string UserId)> PasswordUserAsync(AuthenticationClient client)
    {
        var (email, userId) = await SignUpAsync(client);
        await SignInAsync(client, email);
        return (email, userId);
    }

    /// <summary>A user who signed up and in with codes to a phone (+86): no password, no email, the phone verified.</summary>
    public async Task<(string Phone, string UserId)> PhoneOnlyUserAsync(AuthenticationClient client)
    {
        var phone = NewPhone();
        var signUp = await client.SignUpAsync(new SignUpDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new() { Phone = phone, PhoneCountryCode = "+86", PassCode = await SmsCodeAsync(client, phone, Channels.Register) },
        }, Ct);
        AssertOk(signUp);
        PassSendInterval();
        await PhoneCodeSignInAsync(client, phone);
        PassSendInterval();
        return (phone, signUp.Data!.UserId);
    }

    public async Task PhoneCodeSignInAsync(AuthenticationClient client, string phone, string countryCode = "+86") =>
        AssertOk(await client.SignInAsync(new SignInDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new() { Phone = phone, PhoneCountryCode = countryCode, PassCode = await SmsCodeAsync(client, phone, Channels.Login, countryCode) },
        }, Ct));

    public async Task<Contracts.Envelope.ApiResponse> EmailCodeSignInAsync(AuthenticationClient client, string email) =>
        await client.SignInAsync(new SignInDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new() { Email = email, PassCode = await EmailCodeAsync(client, email, Channels.Login) },
        }, Ct);

    /// <summary>Binds a new email to the signed-in user (code on CHANNEL_BIND_EMAIL) and answers it.</summary>
    public async Task<string> BindNewEmailAsync(AuthenticationClient client)
    {
        var email = NewEmail();
        AssertOk(await client.BindEmailAsync(email, await EmailCodeAsync(client, email, "CHANNEL_BIND_EMAIL"), Ct));
        return email;
    }

    /// <summary>Binds a new +86 phone to the signed-in user (code on CHANNEL_BIND_PHONE) and answers it.</summary>
    public async Task<string> BindNewPhoneAsync(AuthenticationClient client)
    {
        var phone = NewPhone();
        AssertOk(await client.BindPhoneAsync(phone, await SmsCodeAsync(client, phone, "CHANNEL_BIND_PHONE"), "+86", Ct));
        return phone;
    }

    /// <summary>verify-update-email-request with codes sent now to both addresses (<paramref name="current"/> and <paramref name="next"/>).</summary>
    public async Task<Contracts.Envelope.ApiResponse<VerifyUpdateEmailRequestDataDto>> VerifyEmailChangeAsync(AuthenticationClient client, string current, string next)
    {
        var oldCode = await EmailCodeAsync(client, current, "CHANNEL_UPDATE_EMAIL");
        var newCode = await EmailCodeAsync(client, next, "CHANNEL_UPDATE_EMAIL");
        return await client.VerifyUpdateEmailRequestAsync(EmailChange(next, newCode, oldCode), Ct);
    }

    public static VerifyUpdateEmailRequestDto EmailChange(string newEmail, string? newCode, string? oldCode, string? oldEmail = null) => new()
    {
        VerifyMethod = "EMAIL_PASSCODE",
        EmailPassCodePayload = new() { NewEmail = newEmail, NewEmailPassCode = newCode, OldEmail = oldEmail, OldEmailPassCode = oldCode },
    };

    /// <summary>verify-update-phone-request with codes sent now to both +86 numbers, on the channels given.</summary>
    public async Task<Contracts.Envelope.ApiResponse<VerifyUpdatePhoneRequestDataDto>> VerifyPhoneChangeAsync(AuthenticationClient client, string current,
        string next, string oldChannel = "CHANNEL_UNBIND_PHONE", string newChannel = "CHANNEL_BIND_PHONE")
    {
        var oldCode = await SmsCodeAsync(client, current, oldChannel);
        var newCode = await SmsCodeAsync(client, next, newChannel);
        return await client.VerifyUpdatePhoneRequestAsync(PhoneChange(next, newCode, oldCode), Ct);
    }

    public static VerifyUpdatePhoneRequestDto PhoneChange(string newPhone, string? newCode, string? oldCode, string? oldPhone = null) => new()
    {
        VerifyMethod = "PHONE_PASSCODE",
        PhonePassCodePayload = new()
        {
            NewPhoneNumber = newPhone, NewPhoneCountryCode = "+86", NewPhonePassCode = newCode, OldPhoneNumber = oldPhone, OldPhonePassCode = oldCode,
        },
    };

    public async Task<IReadOnlyList<AuditEvent>> AuditOfAsync(string userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAuditLog>().ListForUserAsync(userId, 50, Ct);
    }
}
