using GridEdge.Server.Terminals;

namespace GridEdge.Server.Grid;

/// <summary>Why a registry change was not made.</summary>
public enum RegistryFailure
{
    None,
    /// <summary>A field is wrong (400).</summary>
    Invalid,
    /// <summary>What it refers to does not exist (404).</summary>
    NotFound,
    /// <summary>The id or code is already taken (409).</summary>
    Conflict,
}

/// <summary>
/// The outcome of a registry change: the value, or the failure with every wrong field; and the terminal directories it
/// published (a change is committed before anything is published: <see cref="PublishFailed"/> never undoes it).
/// </summary>
public sealed record RegistryResult<T>(T? Value, RegistryFailure Failure, IReadOnlyList<FieldError> Errors, IReadOnlyList<DirectoryPublish> Published)
{
    public bool Ok => Failure == RegistryFailure.None;
    public bool PublishFailed => Published.Any(p => p.Error is not null);
    public string? PublishError => Published.FirstOrDefault(p => p.Error is not null)?.Error;
}

/// <summary>
/// Changes to the grid registry with their consequence: every gateway whose terminal directory changed gets a new retained
/// configuration. The HTTP API and the demo both go through here.
/// </summary>
public sealed class GridRegistry(IGridRegistryStore store, ITerminalStore terminals, TerminalDirectoryPublisher publisher)
{
    /// <summary>The registry's tables.</summary>
    public IGridRegistryStore Store => store;

    /// <summary>The terminals issued.</summary>
    public ITerminalStore Terminals => terminals;

    /// <summary>Imports grids, members, key points and enterprises (upserts; with <paramref name="create"/> an existing id is a conflict).</summary>
    public async Task<RegistryResult<ImportResult>> ImportAsync(GridDocument document, bool create = false, CancellationToken cancellationToken = default)
    {
        var outcome = await store.ImportAsync(document, create, cancellationToken);
        if (outcome.Result is null)
            return new(null, outcome.Conflict ? RegistryFailure.Conflict : RegistryFailure.Invalid, outcome.Errors, []);
        var published = await publisher.PublishChangedAsync(outcome.Result.Gateways, cancellationToken);
        return new(outcome.Result, RegistryFailure.None, [], published);
    }

    /// <summary>Issues a terminal to a member; the result holds the token, shown this once.</summary>
    public async Task<RegistryResult<IssuedTerminal>> IssueTerminalAsync(string id, string member, CancellationToken cancellationToken = default)
    {
        var (terminal, error, failure) = await terminals.IssueAsync(id, member, cancellationToken);
        if (terminal is null) return new(null, failure, [error!], []);
        var published = await publisher.PublishChangedAsync(await GatewaysOfAsync(terminal.Grid, cancellationToken), cancellationToken);
        return new(terminal, RegistryFailure.None, [], published);
    }

    /// <summary>Revokes a terminal: its gateway's directory is published without it.</summary>
    public async Task<RegistryResult<TerminalRecord>> RevokeTerminalAsync(string id, CancellationToken cancellationToken = default)
    {
        var terminal = await terminals.RevokeAsync(id, cancellationToken);
        if (terminal is null) return new(null, RegistryFailure.NotFound, [new FieldError("id", id, "the id of an issued terminal")], []);
        var published = terminal.Grid is null ? [] : await publisher.PublishChangedAsync(await GatewaysOfAsync(terminal.Grid, cancellationToken), cancellationToken);
        return new(terminal, RegistryFailure.None, [], published);
    }

    private async Task<IReadOnlyList<string>> GatewaysOfAsync(string grid, CancellationToken cancellationToken) =>
        GridLevels.TownshipOf(grid) is { } township && await store.GetGridAsync(township, cancellationToken) is { Gateway: { } gateway } ? [gateway] : [];
}
