using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary><c>GET /api/v3/get-security-info</c>: Portcullis's password levels and score weights (docs/account-self-service.md).</summary>
public sealed class SecurityInfoTests(SecurityInfoTests.Server server) : IClassFixture<SecurityInfoTests.Server>
{
    public sealed class Server : AccountServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("qzvkwmtr", 1)]
    [InlineData("aaaaaaaaaaaaaaaaaaaa", 1)]
    [InlineData("qzvkwmtrxjpl", 2)]
    [InlineData("Qzvkwmt7", 2)]
    [InlineData("Qzvkwmtr12!x", 3)]
    [InlineData("correct horse battery", 3)]
    public async Task APasswordUser_HasTheLevelOfTheirPassword_AndThePasswordPointsOnly(string password, int level)
    {
        using var client = server.Client();
        var email = NewEmail();
        AssertOk(await client.SignUpByEmailPasswordAsync(email, password, ct: Ct));
        AssertOk(await client.SignInByEmailPasswordAsync(email, password, ct: Ct));

        var info = await client.GetSecurityLevelAsync(Ct);

        AssertOk(info);
        Assert.Equivalent(new GetSecurityInfoDataDto
        {
            PasswordSecurityLevel = level, PasswordSet = true, EmailBinded = true, PhoneBinded = false, MfaEnrolled = false,
            SecurityScore = level * 10, // an email that was never proven earns nothing
        }, info.Data, strict: true);
        Assert.Equal(level, (await client.GetProfileAsync(Ct)).Data!.PasswordSecurityLevel);
    }

    [Fact]
    public async Task ChangingThePassword_ChangesItsLevel()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);

        AssertOk(await client.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = Password, NewPassword = "qzvkwmtr" }, Ct));

        Assert.Equal(1, (await client.GetSecurityLevelAsync(Ct)).Data!.PasswordSecurityLevel);
    }

    [Fact]
    public async Task APhoneCodeUser_WithoutAPassword_ScoresTheVerifiedPhone_ThenTheFactor()
    {
        using var client = server.Client();
        var phone = NewPhone();
        AssertOk(await client.SendSmsAsync(phone, "CHANNEL_REGISTER", "+86", Ct));
        AssertOk(await client.SignUpAsync(new SignUpDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new PassCodePayload { Phone = phone, PhoneCountryCode = "+86", PassCode = server.Outbox.LastTo("+86" + phone)!.Code },
        }, Ct));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        AssertOk(await client.SendSmsAsync(phone, "CHANNEL_LOGIN", "+86", Ct));
        AssertOk(await client.SignInAsync(new SignInDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new PassCodePayload { Phone = phone, PhoneCountryCode = "+86", PassCode = server.Outbox.LastTo("+86" + phone)!.Code },
        }, Ct));

        Assert.Equivalent(new GetSecurityInfoDataDto
        {
            PasswordSecurityLevel = 0, PasswordSet = false, EmailBinded = false, PhoneBinded = true, MfaEnrolled = false, SecurityScore = 15,
        }, (await client.GetSecurityLevelAsync(Ct)).Data, strict: true);

        await EnrollOtpAsync(client, server);

        var withFactor = (await client.GetSecurityLevelAsync(Ct)).Data!;
        Assert.True(withFactor.MfaEnrolled);
        Assert.Equal(55, withFactor.SecurityScore);
    }

    [Fact]
    public async Task WithoutASignedInUser_Is2020()
    {
        using var client = server.Client();

        AssertError(await client.GetSecurityLevelAsync(Ct), 401, ApiCodes.NotLoggedIn);
    }
}
