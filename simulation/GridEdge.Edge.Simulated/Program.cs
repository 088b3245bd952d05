using GridEdge.Edge.Hosting;
using GridEdge.Edge.Simulation;

// The gateway's own command line and start-up, with the simulation added to the host.
return EdgeProgram.Run(args, SimulatedGateway.Extension);
