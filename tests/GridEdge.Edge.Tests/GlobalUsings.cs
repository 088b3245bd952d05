global using Xunit;
global using EdgeOutbox = GridEdge.Edge.Outbox.Outbox;
global using EdgeUplink = GridEdge.Edge.Uplink.Uplink;
