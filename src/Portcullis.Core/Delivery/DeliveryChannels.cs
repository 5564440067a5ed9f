using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Factors;

namespace Portcullis.Core.Delivery;

/// <summary>
/// Which channels can carry a code: those with a sender registered. The host registers none for a channel with no provider
/// outside Development, so such a channel's codes are refused up front instead of recorded as sent and never delivered.
/// </summary>
public sealed class DeliveryChannels(IServiceProviderIsService registered)
{
    public static Type SenderOf(MessageKind kind) => kind == MessageKind.Sms ? typeof(ISmsSender) : typeof(IEmailSender);

    public bool IsConfigured(MessageKind kind) => registered.IsService(SenderOf(kind));
}
