using System.Text;
using Portcullis.Contracts;
using Portcullis.Contracts.Mfa;

// The floor under every Portcullis figure: Kestrel and minimal APIs binding the body of mfa-totp-verify with Portcullis's own
// source-generated JSON context, then a constant envelope. No authentication, no database, no logging.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PortcullisJsonContext.Default));
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5390");
}

var app = builder.Build();
var verified = Encoding.UTF8.GetBytes("""{"statusCode":200,"message":"Success","requestId":"00000000-0000-0000-0000-000000000000","data":{"verified":true}}""");
var refused = Encoding.UTF8.GetBytes("""{"statusCode":400,"message":"Wrong security code","apiCode":6001,"requestId":"00000000-0000-0000-0000-000000000000","data":{"verified":false}}""");

app.MapPost("/api/v3/mfa-totp-verify", (MfaOtpVerifyDto dto) =>
    TypedResults.Bytes(dto.Totp is { Length: 6 } ? verified : refused, "application/json"));
app.MapGet("/health/live", () => "ok");
app.Run();
