using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portcullis.Storage.KeyRing;

internal static class KeyRingServices
{
    /// <summary>
    /// Data Protection with its key ring in the database, encrypted with the certificates <see cref="KeyEncryptionCertificates"/>
    /// chooses. Nothing here reads a file: the certificates are loaded when first resolved, by the settings' validation at start.
    /// </summary>
    public static void AddKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        // Bound here rather than taken as validated options: the validation of these very options needs the certificates.
        services.AddSingleton(sp => KeyEncryptionCertificates.Load(
            configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions(), DatabaseOrNull(sp)));
        services.AddOptions<KeyRingOptions>().Bind(configuration.GetSection(KeyRingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyRingOptions>>(sp =>
            new KeyRingOptionsValidation(sp.GetRequiredService<KeyEncryptionCertificates>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));

        var dataProtection = services.AddDataProtection()
            .SetApplicationName("Portcullis")
            .PersistKeysToDbContext<PortcullisDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, KeyRingEncryptor>();
        AddDecryptionCertificates(dataProtection);
    }

    /// <summary>The configured database, or null when its settings are invalid: their own validation reports them, not the key ring's.</summary>
    private static DatabaseProvider? DatabaseOrNull(IServiceProvider services)
    {
        try
        {
            return services.GetService<DatabaseProvider>();
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The certificates that decrypt stored keys, given to Data Protection when its options are first resolved. Its only way to
    /// take them, <c>UnprotectKeysWithAnyCertificate</c>, wants the certificate objects while services are registered, and the
    /// options type it configures is internal. So the configuration it registers here, without certificates, is replaced by one
    /// that, at resolution, has <c>UnprotectKeysWithAnyCertificate</c> configure the loaded certificates in a collection of its
    /// own and hands over what it made.
    /// </summary>
    private static void AddDecryptionCertificates(IDataProtectionBuilder dataProtection)
    {
        var services = dataProtection.Services;
        dataProtection.UnprotectKeysWithAnyCertificate();
        var decryptionOptions = services[^1].ServiceType;
        if (!decryptionOptions.IsGenericType || decryptionOptions.GetGenericTypeDefinition() != typeof(IConfigureOptions<>))
        {
            throw new InvalidOperationException($"UnprotectKeysWithAnyCertificate registered {decryptionOptions}, not an options configuration.");
        }

        services[^1] = ServiceDescriptor.Singleton(decryptionOptions, sp =>
        {
            var loaded = new ServiceCollection();
            new OwnCollection(loaded).UnprotectKeysWithAnyCertificate([.. sp.GetRequiredService<KeyEncryptionCertificates>().All]);
            return loaded.Single(d => d.ServiceType == decryptionOptions).ImplementationInstance!;
        });
    }

    private sealed record OwnCollection(IServiceCollection Services) : IDataProtectionBuilder;

    /// <summary>New keys are encrypted with the current certificate, when there is one (what <c>ProtectKeysWithCertificate</c> sets).</summary>
    private sealed class KeyRingEncryptor(KeyEncryptionCertificates certificates, ILoggerFactory loggers) : IConfigureOptions<KeyManagementOptions>
    {
        public void Configure(KeyManagementOptions options)
        {
            if (certificates.Current is { } current)
            {
                options.XmlEncryptor = new CertificateXmlEncryptor(current, loggers);
            }
        }
    }
}
