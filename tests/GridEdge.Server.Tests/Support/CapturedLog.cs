using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GridEdge.Server.Tests.Support;

/// <summary>A logger that keeps every entry (level and rendered message), to assert what a component logs and at what level.</summary>
public sealed class CapturedLog<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}
