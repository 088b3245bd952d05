using System.Text.Json;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Departments;

/// <summary>A department as the register holds it: its id, the county it serves, its name and the categories routed to it.</summary>
public sealed record Department(string Id, string Grid, string Name, IReadOnlyList<string> Categories);

/// <summary>The department register's store.</summary>
public interface IDepartmentStore
{
    /// <summary>Adds or replaces a department.</summary>
    Task SaveAsync(Department department, CancellationToken cancellationToken = default);

    /// <summary>The departments of the grids in <paramref name="grids"/> (codes; every department when null), by grid then id.</summary>
    Task<IReadOnlyList<Department>> ListAsync(IReadOnlyList<string>? grids, CancellationToken cancellationToken = default);

    /// <summary>One department, or null.</summary>
    Task<Department?> GetAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>The department register over the ledger database (the same SQL on SQLite and PostgreSQL).</summary>
public sealed class DepartmentStore(LedgerDatabase database) : IDepartmentStore
{
    public Task SaveAsync(Department d, CancellationToken cancellationToken = default) =>
        database.WriteAsync((c, t) => ExecuteAsync(c, t, """
            INSERT INTO departments (id, grid, name, categories) VALUES (@id, @grid, @name, @categories)
            ON CONFLICT (id) DO UPDATE SET grid = excluded.grid, name = excluded.name, categories = excluded.categories;
            """, cancellationToken, ("@id", d.Id), ("@grid", d.Grid), ("@name", d.Name), ("@categories", JsonSerializer.Serialize(d.Categories))), cancellationToken);

    public async Task<IReadOnlyList<Department>> ListAsync(IReadOnlyList<string>? grids, CancellationToken cancellationToken = default)
    {
        var (condition, parameters) = grids is null ? ("1 = 1", []) : In("grid", "g", grids);
        return await database.ReadAsync(c => Sql.ListAsync(c, null, $"SELECT id, grid, name, categories FROM departments WHERE {condition} ORDER BY grid, id;", Read,
            cancellationToken, parameters), cancellationToken);
    }

    public async Task<Department?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await database.ReadAsync(c => Sql.ListAsync(c, null, "SELECT id, grid, name, categories FROM departments WHERE id = @id;", Read, cancellationToken, ("@id", id)),
            cancellationToken)).FirstOrDefault();

    private static Department Read(System.Data.Common.DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? []);
}
