using Microsoft.Extensions.Options;
using Portcullis.Core.Passwords;

namespace Portcullis.Server.Hosting;

/// <summary>
/// <c>Portcullis:Passwords</c>: the Argon2id parameters libsodium computes, refused at start rather than at the first
/// sign-in. <see cref="PasswordHashingOptions"/> is Core's and carries no annotations, so its bounds are stated here.
/// </summary>
public sealed class PasswordHashingValidation : IValidateOptions<PasswordHashingOptions>
{
    public const string Section = "Portcullis:Passwords";

    public ValidateOptionsResult Validate(string? name, PasswordHashingOptions options) =>
        options.MemoryKiB is >= 8 * 1024 and <= 1024 * 1024 && options.Iterations is >= 1 and <= 16 && options.Parallelism == 1
        && options.MaxConcurrentHashes >= 1
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{Section}: Argon2id needs MemoryKiB in 8192..1048576, Iterations in 1..16, Parallelism = 1 "
                + "(libsodium) and MaxConcurrentHashes >= 1.");
}
