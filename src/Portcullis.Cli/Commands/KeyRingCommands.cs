using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Storage.KeyRing;

namespace Portcullis.Cli.Commands;

/// <summary>
/// <c>keyring encrypt</c>: the Data Protection key ring (which encrypts seeds, signing keys and application secrets). Wraps
/// every stored key for the configured certificate: keys stored unencrypted before the ring was encrypted, and keys
/// encrypted with a certificate now listed under PreviousCertificates, which can then be removed.
/// </summary>
internal static class KeyRingCommands
{
    public static Command Build(CliContext cli)
    {
        var keyRing = new Command("keyring", "The Data Protection key ring that encrypts secrets at rest");

        var json = AppsCommands.JsonOption();
        var encrypt = new Command("encrypt", "Encrypt every stored key with Portcullis:DataProtection:Certificate (or the generated one)") { json };
        encrypt.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var (rewritten, total) = await services.GetRequiredService<KeyRingReencryption>().EncryptStoredKeysAsync(ct);
            var view = new KeyRingView(rewritten, total, services.GetRequiredService<KeyEncryptionCertificates>().Current!.Thumbprint);
            if (parse.GetValue(json))
            {
                return CliOutput.Json(parse, view, CliJsonContext.Output.KeyRingView);
            }

            CliOutput.Out(parse).WriteLine($"encrypted {view.Rewritten} of {view.Total} keys for certificate {view.Certificate}");
            return CliOutput.Success;
        }));

        keyRing.Subcommands.Add(encrypt);
        return keyRing;
    }
}
