using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Email;

namespace Portcullis.Server.Tests.Delivery;

/// <summary><c>Portcullis:Email</c>: binding, start-time validation, and which <see cref="IEmailSender"/> ends up registered.</summary>
public sealed class EmailOptionsTests
{
    [Fact]
    public void AddEmailDelivery_Smtp_ReplacesTheEmailSender_AndBindsEverySetting()
    {
        using var provider = Build(new()
        {
            ["Portcullis:Email:Provider"] = "smtp",
            ["Portcullis:Email:Smtp:Host"] = "mail.example.com",
            ["Portcullis:Email:Smtp:TlsMode"] = "Implicit",
            ["Portcullis:Email:Smtp:Username"] = "mailer",
            ["Portcullis:Email:Smtp:Password"] = "pw",
            ["Portcullis:Email:Smtp:From"] = "no-reply@example.com",
            ["Portcullis:Email:Smtp:FromName"] = "ACME",
            ["Portcullis:Email:Smtp:TimeoutSeconds"] = "7",
        });

        Assert.IsType<SmtpEmailSender>(provider.GetRequiredService<IEmailSender>());
        Assert.Single(provider.GetServices<IEmailSender>());
        var smtp = provider.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp;
        Assert.Equal(("mail.example.com", 465, SmtpTlsMode.Implicit, "mailer", 7), (smtp.Host, smtp.EffectivePort, smtp.TlsMode, smtp.Username, smtp.TimeoutSeconds));
        Assert.Equal("\"ACME\" <no-reply@example.com>", smtp.FromMailbox().ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("outbox")]
    [InlineData("Outbox")]
    public void AddEmailDelivery_Outbox_LeavesTheExistingSenderAlone(string? provider)
    {
        using var services = Build(new() { ["Portcullis:Email:Provider"] = provider });

        Assert.IsType<FakeSender>(services.GetRequiredService<IEmailSender>());
        Assert.Equal(EmailProvider.Outbox, services.GetRequiredService<IOptions<EmailOptions>>().Value.Provider);
        Assert.NotNull(services.GetRequiredService<EmailTemplates>());
    }

    [Fact]
    public void Smtp_WithoutHostOrFrom_FailsWithClearMessages()
    {
        using var provider = Build(new() { ["Portcullis:Email:Provider"] = "smtp", ["Portcullis:Email:Smtp:From"] = "not an address" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EmailOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains("Portcullis:Email:Smtp:Host", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Portcullis:Email:Smtp:From", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Port", "0", "Port")]
    [InlineData("Port", "70000", "Port")]
    [InlineData("TimeoutSeconds", "0", "TimeoutSeconds")]
    [InlineData("Username", "mailer", "Password")]
    [InlineData("Password", "pw", "Password")]
    public void Smtp_OutOfRangeOrHalfSetValues_Fail(string key, string value, string mentioned)
    {
        var options = Valid();
        var bound = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        bound.Bind(options.Smtp);

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(mentioned, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Smtp_Minimal_IsValid_WithStartTlsOn587ByDefault()
    {
        var options = Valid();
        Assert.True(Validate(options).Succeeded);
        Assert.Equal((SmtpTlsMode.StartTls, 587), (options.Smtp.TlsMode, options.Smtp.EffectivePort));
    }

    [Fact]
    public void Outbox_NeedsNoSmtpSettings_ButTemplatesPathMustExist()
    {
        Assert.True(Validate(new EmailOptions()).Succeeded);

        var missing = new EmailOptions { TemplatesPath = "no-such-templates-folder" };
        var result = new EmailTemplatesValidation(Path.GetTempPath()).Validate(null, missing);
        Assert.True(result.Failed);
        Assert.Contains(Path.Combine(Path.GetTempPath(), "no-such-templates-folder"), result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownProvider_FailsAtStart()
    {
        using var provider = Build(new() { ["Portcullis:Email:Provider"] = "carrier-pigeon" });

        Assert.IsType<FakeSender>(provider.GetRequiredService<IEmailSender>());
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<EmailOptions>>().Value);
    }

    /// <summary>The settings' own rules, as <c>ValidateDataAnnotations</c> applies them at start.</summary>
    internal static ValidateOptionsResult Validate(EmailOptions options) => new DataAnnotationValidateOptions<EmailOptions>(null).Validate(null, options);

    private static EmailOptions Valid() => new()
    {
        Provider = EmailProvider.Smtp,
        Smtp = new SmtpOptions { Host = "mail.example.com", From = "no-reply@example.com" },
    };

    /// <summary>A container as the server builds it: some sender registered first, then <c>AddEmailDelivery</c>.</summary>
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IEmailSender, FakeSender>();
        services.AddEmailDelivery(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private sealed class FakeSender : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken ct) => Task.CompletedTask;
    }
}
