global using Xunit;
global using EdgeOutbox = GridEdge.Edge.Outbox.OutboxStore;
global using EdgeUplink = GridEdge.Edge.Uplink.UplinkService;
global using Eventually = GridEdge.Testing.Eventually;
global using ManualTimeProvider = GridEdge.Testing.ManualTimeProvider;
