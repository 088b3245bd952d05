using Microsoft.Extensions.Options;

namespace GridEdge.Server.Periods;

/// <summary>Registers the period calendar (Server:Periods), its values checked at start with each wrong one named by its key.</summary>
public static class PeriodServiceCollectionExtensions
{
    public static IServiceCollection AddPeriods(this IServiceCollection services)
    {
        services.AddOptions<PeriodOptions>().BindConfiguration(PeriodOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PeriodOptions>>(new CheckedBy<PeriodOptions>(o => o.Check()));
        services.AddSingleton<PeriodCalendar>();
        return services;
    }
}

/// <summary>Validates options by a method that names every wrong key.</summary>
public sealed class CheckedBy<T>(Func<T, IReadOnlyList<string>> check) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        check(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
