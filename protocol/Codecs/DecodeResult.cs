using System.Diagnostics.CodeAnalysis;

namespace GridEdge.Protocol.Codecs;

/// <summary>Why a payload could not be decoded: the field (a JSON-path-like name) and what was wrong with it.</summary>
public sealed record DecodeError(string Field, string Problem)
{
    public override string ToString() => $"{Field}: {Problem}";
}

/// <summary>Either a decoded message or the error that stopped decoding. Decoding never throws.</summary>
public readonly struct DecodeResult<T> where T : class
{
    private DecodeResult(T? value, DecodeError? error) { Value = value; Error = error; }

    public T? Value { get; }
    public DecodeError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Value is not null;

    public static DecodeResult<T> Success(T value) => new(value, null);
    public static DecodeResult<T> Fail(string field, string problem) => new(null, new DecodeError(field, problem));
    public static DecodeResult<T> Fail(DecodeError error) => new(null, error);
}
