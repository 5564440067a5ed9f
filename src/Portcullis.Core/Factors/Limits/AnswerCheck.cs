using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// An answer (a code, a photo) checked before the code-check transaction, as a TOTP is computed or a photo is loaded before it:
/// <list type="bullet">
/// <item><b>invalid</b>: bad input, answered before any attempt is counted;</item>
/// <item><b>wrong</b>: counted towards the lockout;</item>
/// <item><b>right</b>: with the value it proves and, for answers that may be used once, the compare-and-set that claims it
/// inside the transaction (a TOTP step, a sent code); a claim that fails is a replay, answered and counted as wrong.</item>
/// </list>
/// <see cref="Precondition"/> runs first in the transaction and may refuse before the attempt is counted (a code with no
/// attempts left).
/// </summary>
/// <typeparam name="T">What a right answer proves (the factor, the code spent).</typeparam>
public sealed class AnswerCheck<T>
    where T : class
{
    private AnswerCheck(T? value, Error? wrong, Error? invalid, Func<ICodeCheckTransaction, ValueTask<Error?>>? claim)
    {
        Value = value;
        WrongAnswer = wrong;
        Invalid = invalid;
        Claim = claim;
    }

    /// <summary>What a right answer proves; null otherwise.</summary>
    public T? Value { get; }

    /// <summary>The error a wrong answer gets.</summary>
    public Error? WrongAnswer { get; }

    /// <summary>Bad input: the answer, with no attempt counted.</summary>
    public Error? Invalid { get; }

    /// <summary>The compare-and-sets a right answer must win, in order; the error of the first that fails (a replay), or null.</summary>
    public Func<ICodeCheckTransaction, ValueTask<Error?>>? Claim { get; }

    public Func<ICodeCheckTransaction, ValueTask<Error?>>? Precondition { get; private init; }

    public bool IsRight => Value is not null;

    public static AnswerCheck<T> Right(T value) => new(value, null, null, null);

    /// <summary>A right answer good for one use.</summary>
    /// <param name="claim">The compare-and-set that spends the answer; false when another request spent it first.</param>
    /// <param name="replayed">The error when <paramref name="claim"/> fails.</param>
    public static AnswerCheck<T> Right(T value, Func<ICodeCheckTransaction, ValueTask<bool>> claim, Error replayed) =>
        new(value, replayed, null, ClaimOrRefuse(claim, replayed));

    public static AnswerCheck<T> Wrong(Error error) => new(null, error, null, null);

    public static AnswerCheck<T> Refused(Error error) => new(null, null, error, null);

    /// <summary>The same check with a <see cref="Precondition"/>.</summary>
    public AnswerCheck<T> WithPrecondition(Func<ICodeCheckTransaction, ValueTask<Error?>> precondition) =>
        new(Value, WrongAnswer, Invalid, Claim) { Precondition = precondition };

    /// <summary>
    /// The same check, whose right answer must first win <paramref name="claim"/> (completing the sign-in it answers), then its
    /// own; when that fails the answer gets <paramref name="refused"/> and counts as a replay. First, because the transaction
    /// commits whatever a claim wrote: a recovery code replaced for a sign-in that was already complete would be lost unseen.
    /// </summary>
    public AnswerCheck<T> AlsoClaiming(Func<ICodeCheckTransaction, ValueTask<bool>> claim, Error refused)
    {
        var first = ClaimOrRefuse(claim, refused);
        var own = Claim;
        return new(Value, WrongAnswer, Invalid, own is null ? first : async tx => await first(tx) ?? await own(tx)) { Precondition = Precondition };
    }

    private static Func<ICodeCheckTransaction, ValueTask<Error?>> ClaimOrRefuse(Func<ICodeCheckTransaction, ValueTask<bool>> claim, Error refused) =>
        async tx => await claim(tx) ? null : refused;

    /// <summary>The same check proving another value (e.g. the factor a sent code belongs to).</summary>
    public AnswerCheck<TOther> Select<TOther>(Func<T, TOther> map)
        where TOther : class =>
        new(Value is null ? null : map(Value), WrongAnswer, Invalid, Claim) { Precondition = Precondition };
}

/// <summary>How an answer fared inside the transaction, for the audit event the caller writes with it.</summary>
public enum AnswerOutcome
{
    Right,
    Wrong,

    /// <summary>Right, but already spent (a TOTP step, a code) by an earlier request.</summary>
    Replayed,
}
