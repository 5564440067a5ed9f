using Microsoft.Extensions.Options;
using Portcullis.Core.Factors.Face;
using Portcullis.Face;

namespace Portcullis.Server.Adapters.Face;

/// <summary>What became of face recognition at start: available (models found, loaded or to be), switched off, or why not.</summary>
public sealed record FaceRecognitionStatus(bool Available, string Detail);

/// <summary>
/// FACE on the server's own CPU (docs/face.md). At start the face models' files are checked (present, complete), and the
/// ONNX describer is registered only when they are, so FACE is offered exactly when it can work. The models themselves,
/// about 200 MB in memory, are loaded when the first photo is described, or at start with
/// <c>Portcullis:Face:LoadModelsAtStart</c>: a server whose users never use FACE does not carry them. Off with
/// <c>Portcullis:Face:Enabled=false</c>; models that are missing or damaged leave the server running without FACE and the
/// start-up log says why.
/// </summary>
public static class FaceRecognition
{
    public static IServiceCollection AddFaceRecognition(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(FaceOptions.Section).Get<FaceOptions>() ?? new FaceOptions();
        services.AddSingleton(Register(options, services));
        services.AddHostedService<FaceRecognitionStartupLog>();
        return services;
    }

    private static FaceRecognitionStatus Register(FaceOptions options, IServiceCollection services)
    {
        if (!options.Enabled)
        {
            return new FaceRecognitionStatus(false, $"{FaceOptions.Section}:Enabled is false: FACE is not offered");
        }

        var directory = string.IsNullOrWhiteSpace(options.ModelDirectory) ? FaceModels.DefaultDirectory : options.ModelDirectory;
        try
        {
            FaceModels.Verify(directory);
            if (options.LoadModelsAtStart)
            {
                FaceModels.Shared(directory);
            }
        }
        catch (Exception e) when (FaceModels.IsLoadFailure(e))
        {
            return new FaceRecognitionStatus(false, $"the face models in {directory} cannot be used ({e.Message}): FACE is not offered");
        }

        services.AddSingleton<IFaceDescriber>(sp => new OnnxFaceDescriber(() => FaceModels.Shared(directory),
            sp.GetRequiredService<ILogger<OnnxFaceDescriber>>()));
        return new FaceRecognitionStatus(true, $"face models in {directory}, {(options.LoadModelsAtStart ? "loaded" : "loaded when the first photo is described")}; "
            + $"at most {options.EffectiveConcurrentDescriptions} photo(s) described at once");
    }
}

/// <summary>Says at start what became of face recognition (an error when the models cannot be used, so an operator sees FACE is off).</summary>
internal sealed class FaceRecognitionStartupLog(FaceRecognitionStatus status, IOptions<FaceOptions> options, ILogger<FaceRecognitionStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (status.Available || !options.Value.Enabled)
        {
            logger.LogInformation("FACE: {Detail}", status.Detail);
        }
        else
        {
            logger.LogError("FACE: {Detail}", status.Detail);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
