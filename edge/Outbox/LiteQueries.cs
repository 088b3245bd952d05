using LiteDB;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// Range and comparison queries that carry their values as parameters. LiteDB's <see cref="Query"/> helpers write the
/// values into the expression's text, so every new value is a new expression, parsed and compiled (JIT) again: with an
/// ack range per delete, that was a third of the gateway's CPU under load.
/// </summary>
internal static class LiteQueries
{
    public static BsonExpression Between(string field, long from, long to) => BsonExpression.Create(field + " BETWEEN @0 AND @1", from, to);

    public static BsonExpression LessThan(string field, BsonValue value) => BsonExpression.Create(field + " < @0", value);
}
