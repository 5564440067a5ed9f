namespace Portcullis.Core.Common;

/// <summary>
/// An expected failure, as a value (aspnetcore's IdentityResult style). The HTTP edge maps <see cref="Kind"/> to the
/// error catalogue (statusCode, apiCode, localised message); <see cref="Detail"/> names the offending field, never a secret.
/// </summary>
public sealed record Error(ErrorKind Kind, string? Detail = null);

/// <summary>The outcome of an operation: a value or an <see cref="Error"/>. Defaults to failure (fails closed).</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T value)
    {
        _value = value;
        Error = null;
    }

    private Result(Error error)
    {
        _value = default;
        Error = error;
    }

    public Error? Error { get; }

    public bool Succeeded => Error is null && _value is not null;

    public T Value => Succeeded ? _value! : throw new InvalidOperationException($"Result has no value: {Error?.Kind}");

    public static Result<T> Ok(T value) => new(value);

    public static Result<T> Fail(ErrorKind kind, string? detail = null) => new(new Error(kind, detail));

    public static implicit operator Result<T>(Error error) => new(error);
}
