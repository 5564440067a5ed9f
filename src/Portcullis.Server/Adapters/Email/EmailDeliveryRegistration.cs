using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Adapters.Email;

public static class EmailDeliveryRegistration
{
    /// <summary>
    /// Binds and validates <c>Portcullis:Email</c> (at start), registers <see cref="EmailTemplates"/>, and with
    /// <c>Provider=smtp</c> replaces whatever <see cref="IEmailSender"/> is registered with <see cref="SmtpEmailSender"/>.
    /// With the outbox provider the existing (recording) registration is left alone. Call it after the default senders are registered.
    /// </summary>
    public static IServiceCollection AddEmailDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmailOptions>, EmailTemplatesValidation>(
            sp => new EmailTemplatesValidation(sp.GetService<IHostEnvironment>()?.ContentRootPath)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CreateTemplates);

        var provider = configuration[$"{EmailOptions.Section}:{nameof(EmailOptions.Provider)}"];
        if (Enum.TryParse<EmailProvider>(provider, ignoreCase: true, out var parsed) && parsed == EmailProvider.Smtp)
        {
            services.TryAddSingleton<SmtpEmailSender>();
            services.RemoveAll<IEmailSender>();
            services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<SmtpEmailSender>());
        }

        return services;
    }

    private static EmailTemplates CreateTemplates(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EmailOptions>>().Value;
        var path = options.ResolveTemplatesPath(services.GetService<IHostEnvironment>()?.ContentRootPath);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<EmailTemplates>();
        List<string> errors = [];
        List<string> warnings = [];
        var templates = EmailTemplates.FromDirectory(path, errors, warnings);
        foreach (var warning in warnings)
        {
            logger.LogWarning("Email templates: {Warning}", warning);
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(EmailOptions.Section, typeof(EmailOptions), errors);
        }

        if (path is not null)
        {
            logger.LogInformation("Email templates: {Count} operator templates from {Path}", templates.OverrideCount, path);
        }

        return templates;
    }
}
