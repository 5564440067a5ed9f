using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Envelope;

/// <summary>
/// GenAuth V3 response envelope. Business errors travel with HTTP 200 and a non-200 <see cref="StatusCode"/>;
/// <see cref="ApiCode"/> appears only on failures, <see cref="Data"/> only where the endpoint has a payload.
/// </summary>
public class ApiResponse
{
    /// <summary>
    /// GenAuth's V2 field, written only on V2 answers and the 1636 challenge: 200 on success, otherwise the apiCode. The JS SDK
    /// decides success and reports errors by it alone.
    /// </summary>
    [JsonPropertyName("code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Code { get; set; }

    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    [JsonPropertyName("message")]
    public string Message { get; set; } = "";

    [JsonPropertyName("apiCode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ApiCode { get; set; }

    [JsonPropertyName("requestId")]
    public string RequestId { get; set; } = "";

    [JsonIgnore]
    public bool IsSuccess => StatusCode == 200;
}

/// <summary>The envelope with a payload.</summary>
public class ApiResponse<T> : ApiResponse
{
    [JsonPropertyName("data")]
    [JsonPropertyOrder(10)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public T? Data { get; set; }
}
