using System.Xml.Linq;
using GridEdge.Server.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace GridEdge.Server.Users;

/// <summary>
/// ASP.NET Core's data-protection key ring (which signs session cookies and antiforgery tokens) kept in the ledger, so
/// a session survives a restart and every server node honours a cookie another node issued.
/// </summary>
public sealed class LedgerKeyRepository(LedgerDatabase database) : IXmlRepository
{
    /// <inheritdoc/>
    public IReadOnlyCollection<XElement> GetAllElements() =>
        database.ReadAsync(c => Sql.ListAsync(c, null, "SELECT xml FROM data_protection_keys ORDER BY name;", r => XElement.Parse(r.GetString(0)), default))
            .GetAwaiter().GetResult();

    /// <inheritdoc/>
    public void StoreElement(XElement element, string friendlyName) =>
        database.WriteAsync((c, t) => Sql.ExecuteAsync(c, t,
            "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING;", default,
            ("@name", friendlyName), ("@xml", element.ToString(SaveOptions.DisableFormatting)))).GetAwaiter().GetResult();
}
