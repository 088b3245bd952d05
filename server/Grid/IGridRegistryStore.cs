namespace GridEdge.Server.Grid;

/// <summary>The grid registry (grids, members, key points, enterprises) and the terminal directories built from it.</summary>
public interface IGridRegistryStore
{
    /// <summary>
    /// Applies a document as upserts in one transaction after checking it whole: every field, and every reference (a parent one
    /// level up, a member's or inventory entry's grid) against the registry and the document itself. With
    /// <paramref name="create"/> an id or code already in the registry is a conflict (POST), otherwise it is replaced (PUT, seed).
    /// </summary>
    Task<ImportOutcome> ImportAsync(GridDocument document, bool create = false, CancellationToken cancellationToken = default);

    /// <summary>One grid, or null.</summary>
    Task<GridRecord?> GetGridAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>Grids by code, optionally only the children of <paramref name="parent"/>, one level, those at or beneath <paramref name="under"/>, after the code <paramref name="after"/>.</summary>
    Task<IReadOnlyList<GridRecord>> ListGridsAsync(string? parent, int? level, string? after, int limit, CancellationToken cancellationToken = default, string? under = null);

    /// <summary>How many children, members, key points and enterprises a grid has (directly).</summary>
    Task<(long Children, long Members, long KeyPoints, long Enterprises)> CountUnderAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>One member, or null.</summary>
    Task<MemberRecord?> GetMemberAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Members by id; <paramref name="grid"/> matches the grid and every grid beneath it.</summary>
    Task<IReadOnlyList<MemberRecord>> ListMembersAsync(string? grid, string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>The key points of a grid by id; with <paramref name="after"/>, those whose id follows it; at most <paramref name="limit"/> (all when negative).</summary>
    Task<IReadOnlyList<KeyPointRecord>> ListKeyPointsAsync(string grid, CancellationToken cancellationToken = default, string? after = null, int limit = -1);

    /// <summary>
    /// The enterprises of a grid by id: the one with <paramref name="id"/>, or those of class <paramref name="enterpriseClass"/>
    /// (any when null) whose id follows <paramref name="after"/>; at most <paramref name="limit"/> (all when negative).
    /// </summary>
    Task<IReadOnlyList<EnterpriseRecord>> ListEnterprisesAsync(string grid, CancellationToken cancellationToken = default, string? id = null,
        string? enterpriseClass = null, string? after = null, int limit = -1);

    /// <summary>The grids that the members, key points or enterprises (<paramref name="table"/>) with these ids are in now, by id.</summary>
    Task<IReadOnlyDictionary<string, string>> CurrentGridsAsync(RegistryTable table, IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Every (gateway, township code) pair of the registry: the gateway at each township center that has one.</summary>
    Task<IReadOnlyList<(string Gateway, string Township)>> GatewayTownshipsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every gateway that serves a township, or was sent a directory before (it may have lost its last township).</summary>
    Task<IReadOnlyList<string>> DirectoryGatewaysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// What <paramref name="gatewayId"/> needs to serve terminals: the active terminals of active members whose grid lies under
    /// one of the gateway's townships, and the boundaries of the village grids under them. Null when the gateway serves no
    /// township and was never sent a directory (a gateway outside the grid keeps whatever it has).
    /// </summary>
    Task<GridEdge.Protocol.Wire.TerminalDirectory?> DirectoryForAsync(string gatewayId, CancellationToken cancellationToken = default);

    /// <summary>The last configuration published to a gateway with its directory, or null.</summary>
    Task<PublishedDirectory?> GetPublishedDirectoryAsync(string gatewayId, CancellationToken cancellationToken = default);

    /// <summary>Records a configuration with a directory as published (after the broker took it).</summary>
    Task RecordPublishedDirectoryAsync(PublishedDirectory published, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IGridRegistryStore.ImportAsync"/>: the result, or every error (a conflict when only ids already taken were wrong).</summary>
public sealed record ImportOutcome(ImportResult? Result, IReadOnlyList<FieldError> Errors, bool Conflict);

/// <summary>The last configuration published to a gateway with its terminal directory.</summary>
public sealed record PublishedDirectory(string Gateway, string Version, string AlertRules, string Terminals, string TerminalsSha256, DateTimeOffset PublishedAt);
