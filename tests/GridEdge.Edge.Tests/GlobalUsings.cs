global using Xunit;
global using EdgeOutbox = GridEdge.Edge.Outbox.Outbox;
global using EdgeUplink = GridEdge.Edge.Uplink.Uplink;
global using Eventually = GridEdge.Testing.Eventually;
global using ManualTimeProvider = GridEdge.Testing.ManualTimeProvider;
