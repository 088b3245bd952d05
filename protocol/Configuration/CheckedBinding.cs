using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GridEdge.Protocol.Configuration;

/// <summary>
/// Binds an options type from its configuration section like <c>OptionsBuilder.Bind</c>, but turns what the binder
/// would throw or ignore into validation failures naming the key: a value that does not convert
/// (<c>Server:Broker:Port is 'abc'</c>) and a key no property takes (<c>Edge:Brokr:Port</c>). The host then stops at
/// start with exit status 2 and one line per problem, as for any other bad value.
/// </summary>
public sealed class CheckedBinding<T> : IValidateOptions<T> where T : class
{
    private readonly IConfiguration _configuration;
    private readonly string _section;
    private readonly IReadOnlyDictionary<string, Type>? _boundElsewhere;
    private readonly bool _checkKeys;
    private string? _conversionError;

    /// <param name="configuration">The host's configuration root.</param>
    /// <param name="section">The section path, e.g. "Edge" or "Edge:Hj212".</param>
    /// <param name="boundElsewhere">Sub-sections of this section bound to other options types (their keys are checked against those).</param>
    /// <param name="checkKeys">False for a sub-section whose keys the enclosing section's binding already checks.</param>
    public CheckedBinding(IConfiguration configuration, string section, IReadOnlyDictionary<string, Type>? boundElsewhere = null, bool checkKeys = true)
    {
        _configuration = configuration;
        _section = section;
        _boundElsewhere = boundElsewhere;
        _checkKeys = checkKeys;
    }

    /// <summary>Binds the section onto <paramref name="options"/>, keeping a conversion error for validation.</summary>
    public void Bind(T options)
    {
        try
        {
            _configuration.GetSection(_section).Bind(options);
            _conversionError = null;
        }
        catch (InvalidOperationException e)
        {
            // "Failed to convert configuration value 'abc' at 'Server:Broker:Port' to type 'System.Int32'."
            _conversionError = e.Message;
        }
    }

    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = new List<string>();
        if (_conversionError is { } conversion) failures.Add(conversion);
        if (!_checkKeys) return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        var keys = _configuration.GetSection(_section).AsEnumerable(makePathsRelative: true).Where(k => k.Value is not null).Select(k => k.Key);
        failures.AddRange(OptionKeys.Unknown(_section, typeof(T), keys, _boundElsewhere)
            .Select(k => $"{k} is not a configuration key (misspelt, or not used by this version); remove it or correct its name"));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Registers <see cref="CheckedBinding{T}"/> in place of <c>Bind</c>.</summary>
public static class CheckedBindingExtensions
{
    /// <summary>Binds <typeparamref name="T"/> from <paramref name="section"/>, refusing unknown keys and unconvertible values at validation.</summary>
    public static OptionsBuilder<T> BindChecked<T>(this OptionsBuilder<T> builder, IConfiguration configuration, string section,
        IReadOnlyDictionary<string, Type>? boundElsewhere = null, bool checkKeys = true) where T : class
    {
        var binding = new CheckedBinding<T>(configuration, section, boundElsewhere, checkKeys);
        builder.Configure(binding.Bind);
        builder.Services.AddSingleton<IValidateOptions<T>>(binding);
        return builder;
    }
}
