using Microsoft.Extensions.Options;
using Polly;
using Portcullis.Core.Delivery;
using Portcullis.Server.Adapters.Email;
using Portcullis.Server.Adapters.Sms;

namespace Portcullis.Server.Delivery;

/// <summary>One resilience pipeline per message kind, built once from the configured providers' time limits.</summary>
public sealed class SendPipelines(IOptions<EmailOptions> email, IOptions<SmsOptions> sms, TimeProvider time)
{
    private readonly ResiliencePipeline _email = SendTimeLimits.Pipeline(MessageKind.Email, email.Value, sms.Value, time);
    private readonly ResiliencePipeline _sms = SendTimeLimits.Pipeline(MessageKind.Sms, email.Value, sms.Value, time);

    public ResiliencePipeline For(MessageKind kind) => kind == MessageKind.Sms ? _sms : _email;
}
