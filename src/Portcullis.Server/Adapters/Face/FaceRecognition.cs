using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Portcullis.Core.Factors.Face;
using Portcullis.Face;

namespace Portcullis.Server.Adapters.Face;

/// <summary>What became of the face models at start: loaded, switched off, or failed (and why).</summary>
public sealed record FaceRecognitionStatus(bool Loaded, string Detail);

/// <summary>
/// FACE on the server's own CPU (docs/face.md): the face models are loaded while the services are registered, and the ONNX
/// describer registered only when they load, so FACE is offered exactly when it can work. Off with
/// <c>Portcullis:Face:Enabled=false</c>; a load that fails leaves the server running without FACE and says why at start.
/// </summary>
public static class FaceRecognition
{
    public static IServiceCollection AddFaceRecognition(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(FaceOptions.Section).Get<FaceOptions>() ?? new FaceOptions();
        services.AddSingleton(Load(options, services));
        services.AddHostedService<FaceRecognitionStartupLog>();
        return services;
    }

    private static FaceRecognitionStatus Load(FaceOptions options, IServiceCollection services)
    {
        if (!options.Enabled)
        {
            return new FaceRecognitionStatus(false, $"{FaceOptions.Section}:Enabled is false: FACE is not offered");
        }

        var directory = string.IsNullOrWhiteSpace(options.ModelDirectory) ? FaceModels.DefaultDirectory : options.ModelDirectory;
        var clock = Stopwatch.StartNew();
        FaceModels models;
        try
        {
            models = FaceModels.Shared(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or OnnxRuntimeException)
        {
            return new FaceRecognitionStatus(false, $"the face models in {directory} could not be loaded ({e.Message}): FACE is not offered");
        }

        services.AddSingleton<IFaceDescriber>(sp => new OnnxFaceDescriber(models, options.EffectiveConcurrentDescriptions,
            sp.GetRequiredService<ILogger<OnnxFaceDescriber>>()));
        return new FaceRecognitionStatus(true, $"face models loaded from {directory} in {clock.ElapsedMilliseconds} ms; "
            + $"at most {options.EffectiveConcurrentDescriptions} photo(s) described at once");
    }
}

/// <summary>Says at start what became of the face models (an error when they failed to load, so an operator sees FACE is off).</summary>
internal sealed class FaceRecognitionStartupLog(FaceRecognitionStatus status, IOptions<FaceOptions> options, ILogger<FaceRecognitionStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (status.Loaded || !options.Value.Enabled)
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
